import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Counter } from 'prom-client';
import { AppConfig } from '../config/app-config.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { AnswerCacheStore, AnswerSlot, CachedAnswer, CacheLookup } from './answer-cache.store.js';

export interface CacheOutcome<T> {
  value: T | CachedAnswer;
  /** True when no model call was made for this request (a hit, or a joined single flight). */
  cached: boolean;
}

const POLL_INTERVAL_MS = 25;

/**
 * The ultrafast response cache with single flight: identical misses make one model call. In one
 * process they share a promise; across processes the first takes a lock and the others poll for its
 * answer for a bounded time, then call the model themselves.
 */
@Injectable()
export class AnswerCacheService {
  private readonly inFlight = new Map<string, Promise<CacheOutcome<unknown>>>();
  private readonly lookups: Counter;
  private readonly joins: Counter;
  private readonly lockWaitMs: number;

  constructor(
    private readonly answers: AnswerCacheStore,
    config: AppConfig,
    metrics: MetricsService,
  ) {
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
   * lookup when the caller already made it.
   */
  async getOrCompute<T>(
    slot: AnswerSlot,
    compute: () => Promise<T>,
    toCache: (value: T) => CachedAnswer | undefined,
    prefetched?: CacheLookup,
  ): Promise<CacheOutcome<T>> {
    const { hit } = prefetched ?? (await this.answers.read(slot));
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
    slot: AnswerSlot,
    compute: () => Promise<T>,
    toCache: (value: T) => CachedAnswer | undefined,
  ): Promise<CacheOutcome<T>> {
    const token = randomUUID();
    const leader = await this.answers.tryLock(slot, token, this.lockWaitMs);
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
      if (cacheable) await this.answers.write(slot, cacheable);
      return { value, cached: false };
    } finally {
      if (leader) await this.answers.releaseLock(slot, token).catch(() => undefined);
    }
  }

  private async waitForLeader(slot: AnswerSlot): Promise<CachedAnswer | undefined> {
    const deadline = Date.now() + this.lockWaitMs;
    while (Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
      const { hit, locked } = await this.answers.poll(slot);
      if (hit) return hit;
      if (!locked) return undefined;
    }
    return undefined;
  }
}
