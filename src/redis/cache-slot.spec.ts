import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { derivedDataSlot } from '../conversations/conversation-keys.js';
import { closeStore, STORE_FACTORIES } from '../../test/support/stores.js';
import { cachedValueRead, writeCachedValue } from './cache-slot.js';
import { RedisService } from './redis.service.js';

describe.each(STORE_FACTORIES)('cache slots on the %s store', (_name, createStore) => {
  let store: RedisService;

  beforeAll(async () => {
    store = await createStore();
  });

  afterAll(async () => {
    await closeStore(store);
  });

  it('reads back what it wrote, in a key or a derived field, until it expires', async () => {
    const principal = `u-${randomUUID()}`;
    for (const slot of [
      derivedDataSlot(principal, 'default', 'answer:x'),
      { kind: 'key' as const, key: `test:{${principal}}:slot` },
    ]) {
      await writeCachedValue(store, slot, { text: 'hi' }, 60);
      expect(await store.read(cachedValueRead<{ text: string }>(slot))).toEqual({ text: 'hi' });
    }
    const stale = JSON.stringify({ text: 'old', expires_at: Date.now() - 1 });
    expect(cachedValueRead({ kind: 'key', key: 'k' }).parse(stale)).toBeUndefined();
    expect(cachedValueRead({ kind: 'key', key: 'k' }).parse(null)).toBeUndefined();
  });

  it('stays bounded for an active conversation', async () => {
    const principal = `u-${randomUUID()}`;
    for (let i = 0; i < 300; i++) {
      await writeCachedValue(store, derivedDataSlot(principal, 'default', `f${i}`), { i }, 60);
    }
    const slot = derivedDataSlot(principal, 'default', 'any');
    const [fields] = await store.batch([['hlen', slot.key]]);
    expect(fields).toBeLessThanOrEqual(256);
    expect(fields).toBeGreaterThan(0);
  });
});
