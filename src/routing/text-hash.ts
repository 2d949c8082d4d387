// Allocation-free hashing of text: FNV-1a over folded char codes, murmur3 mixing for buckets.

export const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 0x01000193;

export const SEPARATOR = 0;
export const JOINER = -1;

export function fnvStep(hash: number, code: number): number {
  return Math.imul(hash ^ code, FNV_PRIME);
}

/** murmur3 finaliser: spreads FNV's weak low bits before masking to a bucket. */
export function mix(hash: number): number {
  hash = Math.imul(hash ^ (hash >>> 16), 0x85ebca6b);
  hash = Math.imul(hash ^ (hash >>> 13), 0xc2b2ae35);
  return hash ^ (hash >>> 16);
}

/** Order-sensitive combination of two hashes (word bigrams, phrase keys, feature pairs). */
export function pairHash(first: number, second: number): number {
  return mix(first ^ Math.imul(second, 0x9e3779b1));
}

/** Lower-cased word character, SEPARATOR, or JOINER for apostrophes inside words. */
export function foldChar(code: number): number {
  if (code >= 97 && code <= 122) return code;
  if (code >= 65 && code <= 90) return code + 32;
  if (code >= 48 && code <= 57) return code;
  if (code === 39 || code === 0x2019) return JOINER;
  if (code < 0xc0 || code === 0xd7 || code === 0xf7) return SEPARATOR;
  if (code <= 0xde) return code + 32;
  if (code >= 0x2000 && code <= 0x2bff) return SEPARATOR;
  if (code >= 0x3000 && code <= 0x303f) return SEPARATOR;
  if (code >= 0xff00 && code <= 0xff0f) return SEPARATOR;
  return code;
}

export function isAlphanumeric(code: number): boolean {
  const folded = foldChar(code);
  return folded !== SEPARATOR && folded !== JOINER;
}

/** Hashes of the words of a phrase, exactly as the featuriser hashes words of a message. */
export function wordHashes(phrase: string): number[] {
  const hashes: number[] = [];
  let hash = FNV_OFFSET;
  let length = 0;
  for (let i = 0; i <= phrase.length; i++) {
    const folded = i < phrase.length ? foldChar(phrase.charCodeAt(i)) : SEPARATOR;
    if (folded === JOINER) continue;
    if (folded !== SEPARATOR) {
      hash = fnvStep(hash, folded);
      length++;
    } else if (length > 0) {
      hashes.push(hash);
      hash = FNV_OFFSET;
      length = 0;
    }
  }
  return hashes;
}

/** Key of a phrase of word hashes; equals the running uni/bi/trigram keys of a message. */
export function phraseKey(hashes: number[]): number {
  return hashes.slice(1).reduce(pairHash, hashes[0]);
}

/** 32-bit FNV-1a of a string as 8 hex digits. */
export function hashString(text: string): string {
  let hash = FNV_OFFSET;
  for (let i = 0; i < text.length; i++) hash = fnvStep(hash, text.charCodeAt(i));
  return (mix(hash) >>> 0).toString(16).padStart(8, '0');
}
