import { StoreScript } from '../redis/redis.service.js';

/**
 * Appends a user message and its answer together, refreshes the TTLs, caps the length and moves the
 * conversation to the top of the principal's index; with a fourth key, also records the completed
 * idempotent request in the same step, if its claim is still ours. Returns the message count, -1 when
 * the conversation must exist and does not (deleted while the answer was being written), or -2 when the
 * idempotency claim is no longer ours (nothing written).
 *
 * KEYS: meta, messages, index[, idempotency]
 * ARGV: conversationId, nowIso, nowMs, ttlSeconds, maxMessages, mustExist, userJson, assistantJson,
 *       title[, claimValue, recordJson, recordTtlSeconds]
 */
export const APPEND_TURN_SCRIPT: StoreScript = {
  name: 'appendTurn',
  // A 2xx turn survives the failover of its master.
  waitForReplica: true,
  lua: `
if ARGV[6] == '1' and redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
if KEYS[4] and redis.call('GET', KEYS[4]) ~= ARGV[10] then return -2 end
redis.call('HSETNX', KEYS[1], 'created_at', ARGV[2])
redis.call('HSETNX', KEYS[1], 'title', ARGV[9])
redis.call('HSET', KEYS[1], 'updated_at', ARGV[2])
local count = redis.call('RPUSH', KEYS[2], ARGV[7], ARGV[8])
local max = tonumber(ARGV[5])
if count > max then
  redis.call('LTRIM', KEYS[2], -max, -1)
  count = max
end
redis.call('EXPIRE', KEYS[1], ARGV[4])
redis.call('EXPIRE', KEYS[2], ARGV[4])
redis.call('ZADD', KEYS[3], ARGV[3], ARGV[1])
redis.call('EXPIRE', KEYS[3], ARGV[4])
if KEYS[4] then redis.call('SET', KEYS[4], ARGV[11], 'EX', ARGV[12]) end
return count
`,
  runLocally(call, [meta, messages, index, idempotency], args) {
    const [conversationId, nowIso, nowMs, ttl, maxText, mustExist, userJson, assistantJson, title] =
      args;
    const [claim, record, recordTtl] = args.slice(9);
    if (mustExist === '1' && call('exists', meta) === 0) return -1;
    if (idempotency && call('get', idempotency) !== claim) return -2;
    call('hsetnx', meta, 'created_at', nowIso);
    call('hsetnx', meta, 'title', title);
    call('hset', meta, 'updated_at', nowIso);
    let count = call('rpush', messages, userJson, assistantJson) as number;
    const max = Number(maxText);
    if (count > max) {
      call('ltrim', messages, -max, -1);
      count = max;
    }
    call('expire', meta, ttl);
    call('expire', messages, ttl);
    call('zadd', index, nowMs, conversationId);
    call('expire', index, ttl);
    if (idempotency) call('set', idempotency, record, 'EX', recordTtl);
    return count;
  },
};
