import { StoreScript } from '../redis/redis.service.js';

/**
 * Deletes a single-flight lock only if it still holds our token: a lock that expired and was taken by
 * another request is not ours to release.
 *
 * KEYS: lock; ARGV: token
 */
export const RELEASE_LOCK_SCRIPT: StoreScript = {
  name: 'releaseLock',
  lua: `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`,
  runLocally(call, [lock], [token]) {
    return call('get', lock) === token ? call('del', lock) : 0;
  },
};
