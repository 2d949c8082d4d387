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

export function conversationKeys(principal: string, conversationId: string): ConversationKeys {
  const tag = principalTag(principal);
  return {
    meta: `${tag}:conv:${conversationId}`,
    messages: `${tag}:conv:${conversationId}:messages`,
    index: `${tag}:conversations`,
    derived: `${tag}:conv:${conversationId}:derived`,
  };
}
