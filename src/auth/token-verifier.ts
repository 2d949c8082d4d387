import { Injectable } from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import { jwtVerify, JWTVerifyOptions } from 'jose';
import { AppConfig, MAX_PRINCIPAL_CHARS } from '../config/app-config.js';

/** Lone surrogates (not well-formed UTF-16) and control characters: never part of a user id. */
const FORBIDDEN_IN_PRINCIPAL = /[\p{Cs}\p{Cc}]/u;

/**
 * Turns a bearer token into a user id: an API key from API_KEYS, or an HS256 JWT's `sub`. Anything it
 * cannot vouch for is undefined (401), never an exception.
 */
@Injectable()
export class TokenVerifier {
  private readonly apiKeys: Array<{ digest: Buffer; user: string }>;
  private readonly jwtKey?: Uint8Array;
  private readonly jwtOptions: JWTVerifyOptions;

  constructor(config: AppConfig) {
    const { apiKeys, jwtSecret, jwtIssuer, jwtAudience } = config.auth;
    this.apiKeys = [...apiKeys].map(([key, user]) => ({ digest: sha256(key), user }));
    this.jwtKey = jwtSecret ? new TextEncoder().encode(jwtSecret) : undefined;
    this.jwtOptions = {
      algorithms: ['HS256'],
      requiredClaims: ['exp'],
      ...(jwtIssuer ? { issuer: jwtIssuer } : {}),
      ...(jwtAudience ? { audience: jwtAudience } : {}),
    };
  }

  async principalOf(token: string): Promise<string | undefined> {
    return this.fromApiKey(token) ?? (await this.fromJwt(token));
  }

  /**
   * Compares fixed-size digests against every configured key, without stopping at a match or at a
   * length mismatch, so the time taken says nothing about a key's length or which key came close.
   */
  private fromApiKey(token: string): string | undefined {
    const candidate = sha256(token);
    let user: string | undefined;
    for (const key of this.apiKeys) {
      if (timingSafeEqual(key.digest, candidate)) user = key.user;
    }
    return user;
  }

  private async fromJwt(token: string): Promise<string | undefined> {
    if (!this.jwtKey || token.split('.').length !== 3) return undefined;
    try {
      const { payload } = await jwtVerify(token, this.jwtKey, this.jwtOptions);
      return isUsablePrincipal(payload.sub) ? payload.sub : undefined;
    } catch {
      return undefined;
    }
  }
}

/**
 * A `sub` we can key data by: not blank, at most MAX_PRINCIPAL_CHARS, well-formed UTF-16 (a lone
 * surrogate cannot be URI-encoded into a store key) and free of control characters.
 */
function isUsablePrincipal(sub: unknown): sub is string {
  return (
    typeof sub === 'string' &&
    sub.trim().length > 0 &&
    sub.length <= MAX_PRINCIPAL_CHARS &&
    !FORBIDDEN_IN_PRINCIPAL.test(sub)
  );
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}
