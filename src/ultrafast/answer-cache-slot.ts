import { createHash } from 'node:crypto';
import { CacheScope } from '../config/app-config.js';
import { conversationKeys, principalTag } from '../conversations/conversation-keys.js';
import { StoredMessage } from '../conversations/conversation.types.js';

/**
 * Where one cached answer lives. Context-free answers (nothing from history was sent) are plain keys
 * in the configured scope, so they hit whatever came before. Answers that depended on history are
 * fields of the conversation's own answer-cache hash: never served to another context, and deleted
 * with the conversation.
 */
export type AnswerCacheSlot =
  | { kind: 'key'; id: string; key: string; lockKey: string }
  | { kind: 'field'; id: string; key: string; field: string; lockKey: string };

export interface SlotRequest {
  scope: CacheScope;
  principal: string;
  conversationId: string;
  model: string;
  promptVersion: string;
  window: StoredMessage[];
  message: string;
}

export function answerCacheSlot(request: SlotRequest): AnswerCacheSlot {
  const hash = inputHash(request);
  if (request.window.length > 0) {
    const key = conversationKeys(request.principal, request.conversationId).answerCache;
    return {
      kind: 'field',
      id: `${key}#${hash}`,
      key,
      field: hash,
      lockKey: `${key}:lock:${hash}`,
    };
  }
  const prefix =
    request.scope === 'global'
      ? 'chat:answer-cache'
      : `${principalTag(request.principal)}:answer-cache`;
  const key = `${prefix}:${hash}`;
  return { kind: 'key', id: key, key, lockKey: `${key}:lock` };
}

/** The model, the prompt version and the exact input sent, normalised for white space and case. */
function inputHash({ model, promptVersion, window, message }: SlotRequest): string {
  const input = [
    ...window.map((m) => `${m.role}:${normalise(m.content)}`),
    `user:${normalise(message)}`,
  ];
  return createHash('sha256')
    .update(JSON.stringify([model, promptVersion, input]))
    .digest('base64url');
}

export function normalise(text: string): string {
  return text.replace(/\s+/g, ' ').trim().toLowerCase();
}
