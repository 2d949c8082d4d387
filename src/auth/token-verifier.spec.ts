import { describe, expect, it } from '@jest/globals';
import { SignJWT, UnsecuredJWT } from 'jose';
import { Environment, loadConfig } from '../config/load-config.js';
import { TokenVerifier } from './token-verifier.js';

const SECRET = 'a-test-secret-that-is-long-enough-1234';
const verifier = verifierFor({ API_KEYS: 'key-1:alice,a-much-longer-key-2:carol' });

function verifierFor(env: Environment): TokenVerifier {
  return new TokenVerifier(loadConfig({ JWT_SECRET: SECRET, ...env }));
}

interface TokenOptions {
  secret?: string;
  expiresIn?: string | null;
  alg?: string;
}

function sign(claims: Record<string, unknown>, options: TokenOptions = {}): Promise<string> {
  const { secret = SECRET, expiresIn = '5m', alg = 'HS256' } = options;
  const jwt = new SignJWT(claims).setProtectedHeader({ alg });
  if (expiresIn !== null) jwt.setExpirationTime(expiresIn);
  return jwt.sign(new TextEncoder().encode(secret));
}

describe('TokenVerifier', () => {
  it('maps an API key to its user', async () => {
    expect(await verifier.principalOf('key-1')).toBe('alice');
    expect(await verifier.principalOf('a-much-longer-key-2')).toBe('carol');
  });

  it('refuses near misses of an API key: other lengths, prefixes, one character off', async () => {
    for (const token of ['key-2', 'key-', 'key-11', 'KEY-1', 'a-much-longer-key-', '']) {
      expect([token, await verifier.principalOf(token)]).toEqual([token, undefined]);
    }
  });

  it('accepts an HS256 JWT and uses its sub as it is', async () => {
    expect(await verifier.principalOf(await sign({ sub: 'bob' }))).toBe('bob');
    expect(await verifier.principalOf(await sign({ sub: 'a}b:c{d' }))).toBe('a}b:c{d');
    expect(await verifier.principalOf(await sign({ sub: 'emoji 😀' }))).toBe('emoji 😀');
  });

  it('refuses expired, wrongly signed, exp-less, other-algorithm and unsigned tokens', async () => {
    const refused = [
      await sign({ sub: 'bob' }, { expiresIn: '-1m' }),
      await sign({ sub: 'bob' }, { secret: `${SECRET}x` }),
      await sign({ sub: 'bob' }, { expiresIn: null }),
      await sign({ sub: 'bob' }, { alg: 'HS512' }),
      new UnsecuredJWT({ sub: 'bob' }).setExpirationTime('5m').encode(),
    ];
    for (const token of refused) expect(await verifier.principalOf(token)).toBeUndefined();
  });

  it('refuses a sub that is missing, not a string, blank, too long or not well-formed', async () => {
    const subs: unknown[] = [
      undefined,
      42,
      '',
      '   ',
      '\t\n',
      'x'.repeat(257),
      'lone \uD800 surrogate',
      'trailing high \uDBFF',
      '\uDC00 lone low',
      'new\nline',
      'nul\u0000byte',
    ];
    for (const sub of subs) {
      const token = await sign(sub === undefined ? {} : { sub });
      expect([sub, await verifier.principalOf(token)]).toEqual([sub, undefined]);
    }
    expect(await verifier.principalOf(await sign({ sub: 'x'.repeat(256) }))).toBe('x'.repeat(256));
  });

  it('checks iss and aud when JWT_ISSUER and JWT_AUDIENCE are set', async () => {
    const strict = verifierFor({ JWT_ISSUER: 'https://idp.example', JWT_AUDIENCE: 'chat-api' });
    const good = { sub: 'bob', iss: 'https://idp.example', aud: 'chat-api' };
    expect(await strict.principalOf(await sign(good))).toBe('bob');
    expect(await strict.principalOf(await sign({ ...good, aud: ['other', 'chat-api'] }))).toBe(
      'bob',
    );
    const refused = [
      { sub: 'bob' },
      { ...good, iss: 'https://evil.example' },
      { ...good, aud: 'other' },
      { sub: 'bob', aud: 'chat-api' },
      { sub: 'bob', iss: 'https://idp.example' },
    ];
    for (const claims of refused) {
      expect([claims, await strict.principalOf(await sign(claims))]).toEqual([claims, undefined]);
    }
  });

  it('ignores iss and aud when neither is configured', async () => {
    const token = await sign({ sub: 'bob', iss: 'anyone', aud: 'anything' });
    expect(await verifier.principalOf(token)).toBe('bob');
  });
});
