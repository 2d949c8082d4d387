import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Counter } from 'prom-client';
import { AppConfig } from '../config/app-config.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { readSlot, parseSlot, writeSlot } from '../conversations/derived-cache.js';
import { RedisService } from '../redis/redis.service.js';
import { AnswerCacheSlot } from './answer-cache-slot.js';
import { RELEASE_LOCK_SCRIPT } from './release-lock.script.js';

export interface CachedAnswer {
  text: string;
  model: string;
}

export interface CacheOutcome<T> {
  value: T | CachedAnswer;
  /** True when no model call was made for this request (a hit, or a joined single flight). */
  cached: boolean;
}

const POLL_INTERVAL_MS = 25;

/**
 * The ultrafast response cache, shared by every instance through the store. Identical misses make one
 * model call: in one process they share a promise; across processes the first takes a lock and the
 * others poll for its answer for a bounded time, then call the model themselves.
 */
@Injectable()
export class AnswerCacheService {
  private readonly inFlight = new Map<string, Promise<CacheOutcome<unknown>>>();
  private readonly lookups: Counter;
  private readonly joins: Counter;
  private readonly ttlSeconds: number;
  private readonly lockWaitMs: number;

  constructor(
    private readonly store: RedisService,
    config: AppConfig,
    metrics: MetricsService,
  ) {
    this.ttlSeconds = config.ultrafast.cacheTtlSeconds;
    this.lockWaitMs = config.llm.timeoutMs;
    this.lookups = metrics.counter('ultrafast_cache_lookups_total', 'Ultrafast cache lookups', [
      'result',
    ]);
    this.joins = metrics.counter(
      'ultrafast_single_flight_joins_total',
      'Ultrafast misses answered by another request’s model call',
    );
  }

  /**
   * The cached answer, or `compute()` once for all identical concurrent misses. `toCache` says what of
   * a computed value may be cached (undefined: not cacheable, e.g. a cut answer). `prefetched` is the
   * reply to `readSlot(slot)` when the caller already made that read.
   */
  async getOrCompute<T>(
    slot: AnswerCacheSlot,
    compute: () => Promise<T>,
    toCache: (value: T) => CachedAnswer | undefined,
    prefetched?: unknown,
  ): Promise<CacheOutcome<T>> {
    const hit =
      prefetched === undefined ? await this.read(slot) : parseSlot<CachedAnswer>(prefetched);
    if (hit) {
      this.lookups.inc({ result: 'hit' });
      return { value: hit, cached: true };
    }
    this.lookups.inc({ result: 'miss' });
    const running = this.inFlight.get(slot.id) as Promise<CacheOutcome<T>> | undefined;
    if (running) {
      this.joins.inc();
      return { value: (await running).value, cached: true };
    }
    const flight = this.fly(slot, compute, toCache).finally(() => this.inFlight.delete(slot.id));
    this.inFlight.set(slot.id, flight);
    return flight;
  }

  private async fly<T>(
    slot: AnswerCacheSlot,
    compute: () => Promise<T>,
    toCache: (value: T) => CachedAnswer | undefined,
  ): Promise<CacheOutcome<T>> {
    const token = randomUUID();
    const leader = await this.store.set(slot.lockKey, token, {
      ttlMs: this.lockWaitMs,
      onlyIfAbsent: true,
    });
    if (!leader) {
      const answer = await this.waitForLeader(slot);
      if (answer) {
        this.joins.inc();
        return { value: answer, cached: true };
      }
    }
    try {
      const value = await compute();
      const cacheable = toCache(value);
      if (cacheable) await this.write(slot, cacheable);
      return { value, cached: false };
    } finally {
      if (leader) {
        await this.store
          .runScript(RELEASE_LOCK_SCRIPT, [slot.lockKey], [token])
          .catch(() => undefined);
      }
    }
  }

  private async waitForLeader(slot: AnswerCacheSlot): Promise<CachedAnswer | undefined> {
    const deadline = Date.now() + this.lockWaitMs;
    while (Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
      const [answer, lock] = await this.store.batch([readSlot(slot), ['exists', slot.lockKey]]);
      const cached = parseSlot<CachedAnswer>(answer);
      if (cached) return cached;
      if (lock === 0) return undefined;
    }
    return undefined;
  }

  private async read(slot: AnswerCacheSlot): Promise<CachedAnswer | undefined> {
    const [raw] = await this.store.batch([readSlot(slot)]);
    return parseSlot<CachedAnswer>(raw);
  }

  private async write(slot: AnswerCacheSlot, answer: CachedAnswer): Promise<void> {
    await writeSlot(this.store, slot, answer, this.ttlSeconds);
  }
}
