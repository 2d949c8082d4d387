import { StoredMessage } from '../conversations/conversation.types.js';
import { ModelReply } from '../llm/model.types.js';
import { Route } from '../routing/routing.types.js';
import { RouteAnswer, StopReason, TurnInput } from './turn.types.js';

/** A single model reply as a route's answer. */
export function answerOf(route: Route, reply: ModelReply): RouteAnswer {
  return {
    route,
    text: reply.text,
    model: reply.model,
    usage: reply.usage,
    stopReason: stopReasonOf(reply),
  };
}

export function stopReasonOf(reply: ModelReply): StopReason {
  return reply.stopReason === 'max_tokens' ? 'max_tokens' : 'end_turn';
}

/** The history an executor sends to the model: none when the message was found not to depend on it. */
export function historyToSend(input: Pick<TurnInput, 'history' | 'needsHistory'>): StoredMessage[] {
  return input.needsHistory === false ? [] : input.history;
}
