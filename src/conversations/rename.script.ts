import { StoreScript } from '../redis/redis.service.js';

/**
 * Renames a conversation only if it still exists (the default one always does), so a rename racing a
 * DELETE never brings the conversation back. Returns 1, or 0 when it is gone.
 *
 * KEYS: meta, index
 * ARGV: conversationId, title, nowIso, nowMs, ttlSeconds, mustExist
 */
export const RENAME_SCRIPT: StoreScript = {
  name: 'renameConversation',
  lua: `
if ARGV[6] == '1' and redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'title', ARGV[2], 'updated_at', ARGV[3])
redis.call('HSETNX', KEYS[1], 'created_at', ARGV[3])
redis.call('EXPIRE', KEYS[1], ARGV[5])
redis.call('ZADD', KEYS[2], ARGV[4], ARGV[1])
return 1
`,
  runLocally(call, [meta, index], [conversationId, title, nowIso, nowMs, ttl, mustExist]) {
    if (mustExist === '1' && call('exists', meta) === 0) return 0;
    call('hset', meta, 'title', title, 'updated_at', nowIso);
    call('hsetnx', meta, 'created_at', nowIso);
    call('expire', meta, ttl);
    call('zadd', index, nowMs, conversationId);
    return 1;
  },
};
