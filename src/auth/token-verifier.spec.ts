import { describe, expect, it } from '@jest/globals';
import { SignJWT, UnsecuredJWT } from 'jose';
import { loadConfig } from '../config/load-config.js';
import { TokenVerifier } from './token-verifier.js';

const SECRET = 'a-test-secret-that-is-long-enough-1234';
const verifier = new TokenVerifier(loadConfig({ API_KEYS: 'key-1:alice', JWT_SECRET: SECRET }));

function sign(claims: { sub?: string }, secret = SECRET, expiresIn = '5m'): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setExpirationTime(expiresIn)
    .sign(new TextEncoder().encode(secret));
}

describe('TokenVerifier', () => {
  it('maps an API key to its user', async () => {
    expect(await verifier.principalOf('key-1')).toBe('alice');
    expect(await verifier.principalOf('key-2')).toBeUndefined();
  });

  it('accepts an HS256 JWT and uses its sub', async () => {
    expect(await verifier.principalOf(await sign({ sub: 'bob' }))).toBe('bob');
  });

  it('refuses expired, wrongly signed, sub-less and unsigned tokens', async () => {
    expect(await verifier.principalOf(await sign({ sub: 'bob' }, SECRET, '-1m'))).toBeUndefined();
    expect(await verifier.principalOf(await sign({ sub: 'bob' }, `${SECRET}x`))).toBeUndefined();
    expect(await verifier.principalOf(await sign({}))).toBeUndefined();
    const unsigned = new UnsecuredJWT({ sub: 'bob' }).setExpirationTime('5m').encode();
    expect(await verifier.principalOf(unsigned)).toBeUndefined();
  });
});
