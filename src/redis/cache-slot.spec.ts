import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { conversationKeys, derivedDataSlot } from '../conversations/conversation-keys.js';
import { closeStore, STORE_FACTORIES } from '../../test/support/stores.js';
import { cachedValueRead, writeCachedValue } from './cache-slot.js';
import { RedisService } from './redis.service.js';

const CREATED_AT = '2026-11-30T10:00:00.000Z';

describe.each(STORE_FACTORIES)('cache slots on the %s store', (_name, createStore) => {
  let store: RedisService;

  beforeAll(async () => {
    store = await createStore();
  });

  afterAll(async () => {
    await closeStore(store);
  });

  /** A conversation whose meta hash exists, as a turn leaves it. */
  async function conversation(): Promise<string> {
    const principal = `u-${randomUUID()}`;
    const { meta } = conversationKeys(principal, 'default');
    await store.batch([['hset', meta, 'created_at', CREATED_AT]]);
    return principal;
  }

  it('reads back what it wrote, in a key or a derived field, until it expires', async () => {
    const principal = await conversation();
    for (const slot of [
      derivedDataSlot(principal, 'default', 'answer:x', CREATED_AT),
      { kind: 'key' as const, key: `test:{${principal}}:slot` },
    ]) {
      await writeCachedValue(store, slot, { text: 'hi' }, 60);
      expect(await store.run(cachedValueRead<{ text: string }>(slot))).toEqual({ text: 'hi' });
    }
    const stale = JSON.stringify({ text: 'old', expires_at: Date.now() - 1 });
    expect(cachedValueRead({ kind: 'key', key: 'k' }).parse([stale])).toBeUndefined();
    expect(cachedValueRead({ kind: 'key', key: 'k' }).parse([null])).toBeUndefined();
  });

  it('writes nothing derived from a conversation deleted or re-created since it was read', async () => {
    const principal = await conversation();
    const recreated = derivedDataSlot(principal, 'default', 'answer:y', '2026-11-30T09:00:00.000Z');
    await writeCachedValue(store, recreated, { text: 'from deleted history' }, 60);
    expect(await store.run(cachedValueRead(recreated))).toBeUndefined();

    const never = derivedDataSlot(`u-${randomUUID()}`, 'default', 'answer:z', undefined);
    await writeCachedValue(store, never, { text: 'no conversation' }, 60);
    expect(await store.run(cachedValueRead(never))).toBeUndefined();
  });

  it('stays bounded for an active conversation', async () => {
    const principal = await conversation();
    for (let i = 0; i < 300; i++) {
      await writeCachedValue(
        store,
        derivedDataSlot(principal, 'default', `f${i}`, CREATED_AT),
        { i },
        60,
      );
    }
    const slot = derivedDataSlot(principal, 'default', 'any', CREATED_AT);
    const [fields] = await store.batch([['hlen', slot.key]]);
    expect(fields).toBeLessThanOrEqual(256);
    expect(fields).toBeGreaterThan(0);
  });
});
