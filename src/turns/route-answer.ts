import { ModelReply } from '../llm/model.types.js';
import { needsHistory } from '../routing/needs-history.js';
import { HistoryTurn, Route } from '../routing/routing.types.js';
import type { ModelCall } from '../llm/llm.service.js';
import {
  AnswerEvents,
  AnswerSettings,
  ChatExecutor,
  RouteAnswer,
  RouteExecutor,
  StopReason,
  TurnInput,
} from './turn.types.js';

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

/**
 * The history an executor sends to the model: none when the message does not depend on it. The
 * orchestrator decides that upstream (`needsHistory`); on a route's own endpoint it is undecided, and
 * `whenUndecided` says whether the route sends the history anyway or asks the same local analysis.
 */
export function historyToSend(
  input: Pick<TurnInput, 'message' | 'history' | 'needsHistory'>,
  whenUndecided: 'send' | 'analyse' = 'send',
): HistoryTurn[] {
  const needed =
    input.needsHistory ??
    (whenUndecided === 'send' || needsHistory(input.message, input.history).needsHistory);
  return needed ? input.history : [];
}

/** The model call's text callback when the turn is streamed: each piece becomes a delta. */
export function deltasOf(events: AnswerEvents): ((text: string) => Promise<void>) | undefined {
  return events.live ? (text) => events.progress({ type: 'delta', text }) : undefined;
}

/** Nobody reads the events of a plain JSON request. */
export const SILENT_EVENTS: AnswerEvents = {
  live: false,
  start: async () => undefined,
  progress: async () => undefined,
};

export function isRouteExecutor<Prefetched>(
  executor: ChatExecutor<Prefetched>,
): executor is RouteExecutor<Prefetched> {
  return 'route' in executor;
}

/**
 * A model call that writes the answer, with the request's settings: their system text after the route's,
 * never more tokens than the route allows.
 */
export function withSettings(call: ModelCall, settings: AnswerSettings | undefined): ModelCall {
  if (!settings) return call;
  return {
    ...call,
    system: settings.system ? `${call.system ?? ''}\n\n${settings.system}`.trim() : call.system,
    maxTokens: Math.min(settings.maxTokens ?? call.maxTokens, call.maxTokens),
    temperature: settings.temperature,
    topP: settings.topP,
    stopSequences: settings.stop,
  };
}
