import { CacheSlot } from '../redis/cache-slot.js';

export const DEFAULT_CONVERSATION_ID = 'default';

/**
 * Every key of one principal shares the hash tag `{<principal>}`, so each multi-key command, transaction
 * and script stays in one Redis Cluster slot.
 */
export function principalTag(principal: string): string {
  return `chat:{${encodeURIComponent(principal)}}`;
}

export interface ConversationKeys {
  meta: string;
  messages: string;
  index: string;
  /** Cached answers and routing decisions derived from this conversation's history; deleted with it. */
  derived: string;
}

/** The principal's conversations sorted by updated_at. */
export function conversationIndexKey(principal: string): string {
  return `${principalTag(principal)}:conversations`;
}

export function conversationKeys(principal: string, conversationId: string): ConversationKeys {
  const tag = principalTag(principal);
  return {
    meta: `${tag}:conv:${conversationId}`,
    messages: `${tag}:conv:${conversationId}:messages`,
    index: conversationIndexKey(principal),
    derived: `${tag}:conv:${conversationId}:derived`,
  };
}

/**
 * A value cached from a conversation's history: a field of its derived-data hash, deleted with it, and
 * written only while the conversation that `createdAt` identifies still exists (not after a DELETE,
 * nor into a conversation re-created since).
 */
export function derivedDataSlot(
  principal: string,
  conversationId: string,
  field: string,
  createdAt: string | undefined,
): CacheSlot {
  const keys = conversationKeys(principal, conversationId);
  return {
    kind: 'field',
    key: keys.derived,
    field,
    guard: { key: keys.meta, field: 'created_at', equals: createdAt ?? '' },
  };
}
