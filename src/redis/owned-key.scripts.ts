import { StoreScript } from './redis.service.js';

/**
 * Keys held by one owner (a single-flight lock, an idempotency claim) whose value is the owner's token.
 * A key that expired and was taken by someone else is not ours to release or extend.
 */

/** Deletes the key only if it still holds our value. KEYS: key; ARGV: value. Returns 1 if deleted. */
export const DELETE_IF_OWNED_SCRIPT: StoreScript = {
  name: 'deleteIfOwned',
  lua: `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`,
  runLocally(call, [key], [value]) {
    return call('get', key) === value ? call('del', key) : 0;
  },
};

/** Extends the key's TTL only if it still holds our value. KEYS: key; ARGV: value, ttlMs. */
export const EXTEND_IF_OWNED_SCRIPT: StoreScript = {
  name: 'extendIfOwned',
  lua: `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
`,
  runLocally(call, [key], [value, ttlMs]) {
    return call('get', key) === value ? call('pexpire', key, ttlMs) : 0;
  },
};

/** Replaces the key's value only if it still holds ours. KEYS: key; ARGV: value, newValue, ttlSeconds. */
export const SET_IF_OWNED_SCRIPT: StoreScript = {
  name: 'setIfOwned',
  lua: `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3]) end
return 0
`,
  runLocally(call, [key], [value, newValue, ttlSeconds]) {
    return call('get', key) === value ? call('set', key, newValue, 'EX', ttlSeconds) : 0;
  },
};
