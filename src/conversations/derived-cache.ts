import { StoreCommand, setCommand } from '../redis/redis.service.js';
import { conversationKeys } from './conversation-keys.js';

/**
 * Where one cached value lives. A value that did not depend on a conversation's history is a plain key
 * (shared as widely as its key says). A value derived from the history is a field of that
 * conversation's derived-data hash: never served to another conversation, and deleted with it.
 */
export type CacheSlot =
  | { kind: 'key'; key: string }
  | { kind: 'field'; key: string; field: string };

export function derivedFromHistory(
  principal: string,
  conversationId: string,
  field: string,
): CacheSlot {
  return { kind: 'field', key: conversationKeys(principal, conversationId).derived, field };
}

export function readSlot(slot: CacheSlot): StoreCommand {
  return slot.kind === 'key' ? ['get', slot.key] : ['hget', slot.key, slot.field];
}

/** Hash fields share one TTL, so each value also carries its own expiry. */
export function writeSlot(slot: CacheSlot, value: object, ttlSeconds: number): StoreCommand[] {
  const text = JSON.stringify({ ...value, expires_at: Date.now() + ttlSeconds * 1000 });
  return slot.kind === 'key'
    ? [setCommand(slot.key, text, { ttlSeconds })]
    : [
        ['hset', slot.key, slot.field, text],
        ['expire', slot.key, ttlSeconds],
      ];
}

export function parseSlot<T>(raw: unknown): T | undefined {
  if (typeof raw !== 'string') return undefined;
  const value = JSON.parse(raw) as T & { expires_at: number };
  return value.expires_at > Date.now() ? value : undefined;
}
