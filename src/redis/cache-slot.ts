import { RedisService, StoreOp, StoreScript } from './redis.service.js';

/**
 * Where one cached JSON value lives. A value that did not depend on a conversation's history is a plain
 * key (shared as widely as its key says). A value derived from a conversation's history is a field of
 * that conversation's derived-data hash: never served to another conversation, and deleted with it.
 */
export type CacheSlot =
  | { kind: 'key'; key: string }
  | { kind: 'field'; key: string; field: string; guard: SlotGuard };

/**
 * A derived value is written only while the data it was derived from is still there: while hash field
 * `field` of `key` equals `equals` (a conversation deleted or re-created meanwhile fails the test).
 */
interface SlotGuard {
  key: string;
  field: string;
  equals: string;
}

/** Derived data kept per conversation before the oldest is dropped wholesale (it is only a cache). */
const DERIVED_FIELDS_MAX = 256;

/**
 * Sets a derived field if its guard still holds, refreshes the hash's TTL, and starts the hash afresh
 * once it holds DERIVED_FIELDS_MAX fields, so an active conversation's cache stays bounded. Returns 0
 * when the guard failed (nothing written).
 *
 * KEYS: derived hash, guard hash; ARGV: field, value, ttlSeconds, maxFields, guardField, guardValue
 */
const WRITE_DERIVED_SCRIPT: StoreScript = {
  name: 'writeDerived',
  lua: `
if redis.call('HGET', KEYS[2], ARGV[5]) ~= ARGV[6] then return 0 end
if redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[4]) then redis.call('DEL', KEYS[1]) end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('EXPIRE', KEYS[1], ARGV[3])
return 1
`,
  runLocally(call, [key, guardKey], [field, value, ttl, maxFields, guardField, guardValue]) {
    if (call('hget', guardKey, guardField) !== guardValue) return 0;
    if ((call('hlen', key) as number) >= Number(maxFields)) call('del', key);
    call('hset', key, field, value);
    call('expire', key, ttl);
    return 1;
  },
};

type Expiring<T> = T & { expires_at: number };

/** The value in a slot, or undefined when there is none or it has expired. */
export function cachedValueRead<T extends object>(slot: CacheSlot): StoreOp<T | undefined> {
  return {
    commands: [slot.kind === 'key' ? ['get', slot.key] : ['hget', slot.key, slot.field]],
    parse: ([reply]) => {
      if (typeof reply !== 'string') return undefined;
      const { expires_at: expiresAt, ...value } = JSON.parse(reply) as Expiring<T>;
      return expiresAt > Date.now() ? (value as unknown as T) : undefined;
    },
  };
}

/** Stores a value in its slot; hash fields share one TTL, so each value also carries its own expiry. */
export async function writeCachedValue(
  store: RedisService,
  slot: CacheSlot,
  value: object,
  ttlSeconds: number,
): Promise<void> {
  const text = JSON.stringify({ ...value, expires_at: Date.now() + ttlSeconds * 1000 });
  if (slot.kind === 'key') {
    await store.set(slot.key, text, { ttlSeconds });
    return;
  }
  const { guard } = slot;
  await store.runScript(
    WRITE_DERIVED_SCRIPT,
    [slot.key, guard.key],
    [slot.field, text, ttlSeconds, DERIVED_FIELDS_MAX, guard.field, guard.equals],
  );
}
