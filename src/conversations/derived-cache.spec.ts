import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { RedisService } from '../redis/redis.service.js';
import { closeStore, STORE_FACTORIES } from '../../test/support/stores.js';
import { derivedFromHistory, parseSlot, readSlot, writeSlot } from './derived-cache.js';

describe.each(STORE_FACTORIES)('derived cache on the %s store', (_name, createStore) => {
  let store: RedisService;

  beforeAll(async () => {
    store = await createStore();
  });

  afterAll(async () => {
    await closeStore(store);
  });

  it('reads back what it wrote, until it expires', async () => {
    const slot = derivedFromHistory(`u-${randomUUID()}`, 'default', 'answer:x');
    await writeSlot(store, slot, { text: 'hi' }, 60);
    const [raw] = await store.batch([readSlot(slot)]);
    expect(parseSlot<{ text: string }>(raw)).toMatchObject({ text: 'hi' });
    const stale = JSON.stringify({ text: 'old', expires_at: Date.now() - 1 });
    expect(parseSlot(stale)).toBeUndefined();
  });

  it('stays bounded for an active conversation', async () => {
    const principal = `u-${randomUUID()}`;
    for (let i = 0; i < 300; i++) {
      await writeSlot(store, derivedFromHistory(principal, 'default', `f${i}`), { i }, 60);
    }
    const { key } = derivedFromHistory(principal, 'default', 'any');
    const [fields] = await store.batch([['hlen', key]]);
    expect(fields).toBeLessThanOrEqual(256);
    expect(fields).toBeGreaterThan(0);
  });
});
