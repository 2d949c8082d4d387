import { Injectable } from '@nestjs/common';
import { RateLimitedError } from '../common/errors.js';
import { AppConfig } from '../config/app-config.js';
import { principalTag } from '../conversations/conversation-keys.js';
import { RedisService, StoreOp } from '../redis/redis.service.js';

const WINDOW_MS = 60_000;

/** A request counted against its principal's window: allowed, or when the window resets. */
export interface RateVerdict {
  allowed: boolean;
  retryAfterSeconds: number;
}

/**
 * RATE_LIMIT_PER_MINUTE per principal across every instance: a counter per principal in the store,
 * counting every request of a fixed 60 s window that starts with the window's first request. A request
 * over the limit is refused until the window ends, which is exactly when one is accepted again.
 */
@Injectable()
export class RateLimiter {
  private readonly limit: number;

  constructor(
    private readonly store: RedisService,
    config: AppConfig,
  ) {
    this.limit = config.rateLimitPerMinute;
  }

  /**
   * Counts one request: INCR, a TTL if the counter has none (a new window), and the TTL left. Pipelined
   * rather than atomic, which is enough: INCR is atomic, and `PEXPIRE … NX` gives any counter left
   * without a TTL one on the next request. The counter shares the principal's hash tag, so it rides in
   * the same Redis Cluster slot as the conversation it is read with.
   */
  count(principal: string): StoreOp<RateVerdict> {
    const key = `${principalTag(principal)}:rate`;
    return {
      commands: [
        ['incr', key],
        ['pexpire', key, WINDOW_MS, 'NX'],
        ['pttl', key],
      ],
      parse: ([count, , ttl]) => ({
        allowed: (count as number) <= this.limit,
        retryAfterSeconds: Math.max(1, Math.ceil(Math.max(ttl as number, 0) / 1000)),
      }),
    };
  }

  /** Counts one request in its own round trip; 429 over the limit. */
  async charge(principal: string): Promise<void> {
    this.enforce(await this.store.run(this.count(principal)));
  }

  enforce(verdict: RateVerdict): void {
    if (!verdict.allowed) throw new RateLimitedError(this.limit, verdict.retryAfterSeconds);
  }
}
