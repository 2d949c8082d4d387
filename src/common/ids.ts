import { randomBytes } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A prefixed random id such as `c_4fQk…`: 18 base62 characters (~107 bits). */
export function newId(prefix: 'c' | 'm'): string {
  const bytes = randomBytes(18);
  let id = `${prefix}_`;
  for (const byte of bytes) id += ALPHABET[byte % ALPHABET.length];
  return id;
}
