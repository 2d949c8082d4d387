import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { AppConfig } from '../config/app-config.js';
import { loadConfig } from '../config/load-config.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { RedisService } from '../redis/redis.service.js';
import { closeStore, STORE_FACTORIES } from '../../test/support/stores.js';
import { AnswerCacheService } from './answer-cache.service.js';
import { AnswerCacheStore, AnswerSlot, CachedAnswer, CacheLookup } from './answer-cache.store.js';

/** The real store, counting the reads and polls the service makes through it. */
class CountingAnswerStore extends AnswerCacheStore {
  reads = 0;
  polls = 0;

  override read(slot: AnswerSlot): Promise<CacheLookup> {
    this.reads++;
    return super.read(slot);
  }

  override poll(slot: AnswerSlot): Promise<{ hit?: CachedAnswer; locked: boolean }> {
    this.polls++;
    return super.poll(slot);
  }
}

/** A model call that answers (or fails) when the test lets it, counting how often it was made. */
class ScriptedCompute {
  calls = 0;
  private release!: () => void;
  private readonly released = new Promise<void>((resolve) => (this.release = resolve));

  constructor(
    private readonly answer: string | Error,
    gated = false,
  ) {
    if (!gated) this.release();
  }

  readonly run = async (): Promise<string> => {
    this.calls++;
    await this.released;
    if (this.answer instanceof Error) throw this.answer;
    return this.answer;
  };

  finish(): void {
    this.release();
  }
}

const cacheAll = (text: string): CachedAnswer => ({ text, model: 'test-model' });
const cacheNothing = (): CachedAnswer | undefined => undefined;

/** Waits (bounded by a number of polls, not a duration to assert) until `condition` holds. */
async function until(condition: () => boolean | Promise<boolean>): Promise<void> {
  for (let attempt = 0; attempt < 400; attempt++) {
    if (await condition()) return;
    await sleep(5);
  }
  throw new Error('condition never held');
}

async function joins(metrics: MetricsService): Promise<number> {
  const counter = metrics.registry.getSingleMetric('ultrafast_single_flight_joins_total');
  const { values } = await counter!.get();
  return values.reduce((sum, { value }) => sum + value, 0);
}

describe.each(STORE_FACTORIES)('AnswerCacheService on the %s store', (_name, createStore) => {
  let store: RedisService;
  const config: AppConfig = loadConfig({});

  beforeAll(async () => {
    store = await createStore();
  });

  afterAll(async () => {
    await closeStore(store);
  });

  /** One "process": its own service (in-flight map, metrics) over the shared store. */
  function instance() {
    const answers = new CountingAnswerStore(store, config);
    const metrics = new MetricsService();
    return { answers, metrics, cache: new AnswerCacheService(answers, config, metrics) };
  }

  /** One request for `slot` through `cache`, as the ultrafast route makes it. */
  function ask(
    cache: AnswerCacheService,
    slot: AnswerSlot,
    compute: ScriptedCompute,
    toCache: (value: string) => CachedAnswer | undefined = cacheAll,
    prefetched?: CacheLookup,
  ) {
    return cache.getOrCompute(slot, { compute: compute.run, toCache, prefetched });
  }

  function uniqueSlot(answers: AnswerCacheStore): AnswerSlot {
    return answers.locate({
      principal: `user-${randomUUID()}`,
      conversationId: 'default',
      model: 'test-model',
      promptVersion: 'v1',
      window: [],
      message: `What is ${randomUUID()}?`,
    });
  }

  it('answers a hit from the cache without computing', async () => {
    const { answers, cache } = instance();
    const slot = uniqueSlot(answers);
    await answers.write(slot, { text: 'cached answer', model: 'test-model' });
    const compute = new ScriptedCompute('fresh answer');

    const outcome = await ask(cache, slot, compute);

    expect(outcome).toEqual({
      value: { text: 'cached answer', model: 'test-model' },
      cached: true,
    });
    expect(compute.calls).toBe(0);
  });

  it('computes once for concurrent identical misses in one process', async () => {
    const { answers, metrics, cache } = instance();
    const slot = uniqueSlot(answers);
    const compute = new ScriptedCompute('the answer', true);

    const outcomes = Promise.all(Array.from({ length: 5 }, () => ask(cache, slot, compute)));
    await until(async () => (await joins(metrics)) === 4);
    compute.finish();

    const results = await outcomes;
    expect(compute.calls).toBe(1);
    expect(results.map(({ value }) => value)).toEqual(Array(5).fill('the answer'));
    expect(results.filter(({ cached }) => !cached)).toHaveLength(1);
    expect(await answers.read(slot)).toEqual({ hit: cacheAll('the answer') });
  });

  it('computes once for concurrent identical misses in two processes sharing the store', async () => {
    const first = instance();
    const second = instance();
    const slot = uniqueSlot(first.answers);
    const compute = new ScriptedCompute('shared answer', true);

    const outcomes = Promise.all([
      ask(first.cache, slot, compute),
      ask(second.cache, slot, compute),
    ]);
    // One took the lock and is computing; the other is polling for its answer.
    await until(() => compute.calls === 1 && first.answers.polls + second.answers.polls > 0);
    compute.finish();

    const results = await outcomes;
    expect(compute.calls).toBe(1);
    expect(results.map(({ cached }) => cached).sort()).toEqual([false, true]);
    const follower = results.find(({ cached }) => cached);
    expect(follower?.value).toEqual(cacheAll('shared answer'));
    expect((await first.answers.poll(slot)).locked).toBe(false);
  });

  it('does not cache a value toCache refuses, and releases the lock for the next call', async () => {
    const { answers, cache } = instance();
    const slot = uniqueSlot(answers);
    const compute = new ScriptedCompute('a cut answer');

    const outcome = await ask(cache, slot, compute, cacheNothing);

    expect(outcome).toEqual({ value: 'a cut answer', cached: false });
    expect(await answers.poll(slot)).toEqual({ hit: undefined, locked: false });

    const next = await ask(cache, slot, compute, cacheNothing);
    expect(next.cached).toBe(false);
    expect(compute.calls).toBe(2);
  });

  it('releases the lock and the in-flight entry when compute throws, so a retry computes', async () => {
    const { answers, cache } = instance();
    const slot = uniqueSlot(answers);
    const failing = new ScriptedCompute(new Error('model unavailable'));

    await expect(ask(cache, slot, failing)).rejects.toThrow('model unavailable');
    expect((await answers.poll(slot)).locked).toBe(false);

    const compute = new ScriptedCompute('second try');
    const retry = await ask(cache, slot, compute);
    expect(retry).toEqual({ value: 'second try', cached: false });
    expect(compute.calls).toBe(1);
  });

  it('uses a prefetched lookup instead of reading the store', async () => {
    const { answers, cache } = instance();
    const compute = new ScriptedCompute('computed');
    const prefetchedHit = { hit: cacheAll('prefetched answer') };

    const hit = await ask(cache, uniqueSlot(answers), compute, cacheAll, prefetchedHit);
    const miss = await ask(cache, uniqueSlot(answers), compute, cacheAll, {});

    expect(hit).toEqual({ value: cacheAll('prefetched answer'), cached: true });
    expect(miss).toEqual({ value: 'computed', cached: false });
    expect(compute.calls).toBe(1);
    expect(answers.reads).toBe(0);
  });
});
