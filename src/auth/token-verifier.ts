import { Injectable } from '@nestjs/common';
import { timingSafeEqual } from 'node:crypto';
import { jwtVerify } from 'jose';
import { AppConfig } from '../config/app-config.js';

/** Turns a bearer token into a user id: an API key from API_KEYS, or an HS256 JWT's `sub`. */
@Injectable()
export class TokenVerifier {
  private readonly apiKeys: Array<[Buffer, string]>;
  private readonly jwtKey?: Uint8Array;

  constructor(config: AppConfig) {
    this.apiKeys = [...config.auth.apiKeys].map(([key, user]) => [Buffer.from(key), user]);
    this.jwtKey = config.auth.jwtSecret
      ? new TextEncoder().encode(config.auth.jwtSecret)
      : undefined;
  }

  async principalOf(token: string): Promise<string | undefined> {
    return this.fromApiKey(token) ?? (await this.fromJwt(token));
  }

  private fromApiKey(token: string): string | undefined {
    const candidate = Buffer.from(token);
    const match = this.apiKeys.find(
      ([key]) => key.length === candidate.length && timingSafeEqual(key, candidate),
    );
    return match?.[1];
  }

  private async fromJwt(token: string): Promise<string | undefined> {
    if (!this.jwtKey || token.split('.').length !== 3) return undefined;
    try {
      const { payload } = await jwtVerify(token, this.jwtKey, { algorithms: ['HS256'] });
      return typeof payload.sub === 'string' && payload.sub.length > 0 ? payload.sub : undefined;
    } catch {
      return undefined;
    }
  }
}
