import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Counter } from 'prom-client';
import { ClientGoneError } from '../common/errors.js';
import { AppConfig } from '../config/app-config.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { AnswerCacheStore, AnswerSlot, CachedAnswer, CacheLookup } from './answer-cache.store.js';

export interface CacheOutcome<T> {
  value: T | CachedAnswer;
  /** True when no model call was made for this request (a hit, or a joined single flight). */
  cached: boolean;
}

export interface CacheRequest<T> {
  /** Computes the answer on a miss; aborted only when no request waits for it any more. */
  compute: (signal: AbortSignal) => Promise<T>;
  /** What of a computed value may be cached; undefined when it may not (a cut answer). */
  toCache: (value: T) => CachedAnswer | undefined;
  /** The lookup, when the caller already made it. */
  prefetched?: CacheLookup;
  /** This request's own cancellation (its client went away). */
  signal?: AbortSignal;
}

/** One model call shared by every identical miss of this process. */
interface Flight {
  id: string;
  outcome: Promise<CacheOutcome<unknown>>;
  controller: AbortController;
  waiters: number;
}

const POLL_INTERVAL_MS = 25;

/**
 * The ultrafast response cache with single flight: identical misses make one model call. In one
 * process they share it, and it is cancelled only when the last of them goes away; across processes
 * the first takes a lock and the others poll for its answer for a bounded time, then call the model
 * themselves.
 */
@Injectable()
export class AnswerCacheService {
  private readonly inFlight = new Map<string, Flight>();
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

  /** The cached answer, or the shared computation of all identical concurrent misses. */
  async getOrCompute<T>(slot: AnswerSlot, request: CacheRequest<T>): Promise<CacheOutcome<T>> {
    const { hit } = request.prefetched ?? (await this.answers.read(slot));
    if (hit) {
      this.lookups.inc({ result: 'hit' });
      return { value: hit, cached: true };
    }
    this.lookups.inc({ result: 'miss' });
    if (request.signal?.aborted) throw new ClientGoneError();
    const running = this.inFlight.get(slot.id);
    if (running) {
      this.joins.inc();
      const { value } = await this.wait(running, request.signal);
      return { value: value as T | CachedAnswer, cached: true };
    }
    const flight = this.launch(slot, request);
    return (await this.wait(flight, request.signal)) as CacheOutcome<T>;
  }

  private launch<T>(slot: AnswerSlot, request: CacheRequest<T>): Flight {
    const controller = new AbortController();
    const flight: Flight = {
      id: slot.id,
      outcome: this.fly(slot, request, controller.signal).finally(() => this.forget(flight)),
      controller,
      waiters: 0,
    };
    // Nobody may be waiting when it fails (they all left): the failure is theirs to ignore.
    flight.outcome.catch(() => undefined);
    this.inFlight.set(slot.id, flight);
    return flight;
  }

  /** Waits for a flight; leaving it (cancelled) aborts the flight when it was the last waiter. */
  private async wait(flight: Flight, signal?: AbortSignal): Promise<CacheOutcome<unknown>> {
    if (signal?.aborted) throw new ClientGoneError();
    flight.waiters++;
    let leave: (() => void) | undefined;
    const left = new Promise<never>((_resolve, reject) => {
      leave = () => reject(new ClientGoneError());
      signal?.addEventListener('abort', leave, { once: true });
    });
    try {
      return await Promise.race([flight.outcome, left]);
    } finally {
      if (leave) signal?.removeEventListener('abort', leave);
      if (--flight.waiters === 0 && signal?.aborted) {
        // Abandoned: a request arriving from now on starts afresh instead of joining a cancelled call.
        this.forget(flight);
        flight.controller.abort();
      }
    }
  }

  private forget(flight: Flight): void {
    if (this.inFlight.get(flight.id) === flight) this.inFlight.delete(flight.id);
  }

  private async fly<T>(
    slot: AnswerSlot,
    { compute, toCache }: CacheRequest<T>,
    signal: AbortSignal,
  ): Promise<CacheOutcome<T>> {
    const token = randomUUID();
    const leader = await this.answers.tryLock(slot, token, this.lockWaitMs);
    if (!leader) {
      const answer = await this.waitForLeader(slot, signal);
      if (answer) {
        this.joins.inc();
        return { value: answer, cached: true };
      }
    }
    try {
      const value = await compute(signal);
      const cacheable = toCache(value);
      if (cacheable) await this.answers.write(slot, cacheable);
      return { value, cached: false };
    } finally {
      if (leader) await this.answers.releaseLock(slot, token).catch(() => undefined);
    }
  }

  private async waitForLeader(
    slot: AnswerSlot,
    signal: AbortSignal,
  ): Promise<CachedAnswer | undefined> {
    const deadline = Date.now() + this.lockWaitMs;
    while (Date.now() < deadline && !signal.aborted) {
      await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
      const { hit, locked } = await this.answers.poll(slot);
      if (hit) return hit;
      if (!locked) return undefined;
    }
    if (signal.aborted) throw new ClientGoneError();
    return undefined;
  }
}
