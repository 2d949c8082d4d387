import { createHash } from 'node:crypto';
import { CacheScope } from '../config/app-config.js';
import { principalTag } from '../conversations/conversation-keys.js';
import { StoredMessage } from '../conversations/conversation.types.js';
import { CacheSlot, derivedFromHistory } from '../conversations/derived-cache.js';

/**
 * Where one cached answer lives, with its single-flight lock. Context-free answers (nothing from
 * history was sent) are plain keys in the configured scope, so they hit whatever came before; answers
 * that depended on history are derived data of their conversation.
 */
export type AnswerCacheSlot = CacheSlot & { id: string; lockKey: string };

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
    const slot = derivedFromHistory(request.principal, request.conversationId, `answer:${hash}`);
    return { ...slot, id: `${slot.key}#${hash}`, lockKey: `${slot.key}:lock:${hash}` };
  }
  // A global entry gets its own hash tag, so it and its lock share a Redis Cluster slot.
  const key =
    request.scope === 'global'
      ? `chat:answer-cache:{${hash}}`
      : `${principalTag(request.principal)}:answer-cache:${hash}`;
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

function normalise(text: string): string {
  return text.replace(/\s+/g, ' ').trim().toLowerCase();
}
