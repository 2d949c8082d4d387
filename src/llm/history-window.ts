import { ModelMessage } from './model.types.js';
import { estimateTokens } from './token-estimate.js';

/** One earlier message of the conversation, as the model is sent it. */
export interface PastMessage {
  role: 'user' | 'assistant';
  content: string;
}

/** The Messages API refuses an empty message before the last, and a model may answer with no text. */
const EMPTY_ANSWER = '(no text)';

/**
 * Stored history plus the new message as model input. Oldest turns are dropped first until the history
 * fits `maxTokens`; turns (user + answer) are dropped whole, and the input always starts with a user
 * message.
 */
export function toModelMessages(
  history: PastMessage[],
  message: string,
  maxTokens: number,
): ModelMessage[] {
  const kept: PastMessage[] = [];
  let budget = maxTokens;
  for (let i = history.length - 1; i >= 0; i--) {
    budget -= estimateTokens(history[i].content);
    if (budget < 0) break;
    kept.unshift(history[i]);
  }
  while (kept.length > 0 && kept[0].role !== 'user') kept.shift();
  return [
    ...kept.map((stored) => ({ role: stored.role, content: stored.content || EMPTY_ANSWER })),
    { role: 'user', content: message },
  ];
}
