import { Injectable } from '@nestjs/common';
import { ClientGoneError } from '../common/errors.js';
import { newId } from '../common/ids.js';
import { AppConfig } from '../config/app-config.js';
import { DEFAULT_CONVERSATION_ID } from '../conversations/conversation-keys.js';
import { ConversationService } from '../conversations/conversation.service.js';
import { StoredMessage, Turn } from '../conversations/conversation.types.js';
import { isRouteExecutor, SILENT_EVENTS } from './route-answer.js';
import {
  AnswerEvents,
  ChatExecutor,
  RouteAnswer,
  TurnObserver,
  TurnRequest,
  TurnResult,
} from './turn.types.js';

export interface TurnOptions {
  /** Receives the turn's start and progress (a streamed response); none for plain JSON. */
  observer?: TurnObserver;
  /** Aborted when the client goes away: the answer is abandoned and nothing is stored. */
  signal?: AbortSignal;
}

/**
 * The life of one chat turn, the same for every endpoint and every route: read the conversation's
 * window (404 if it is not the caller's), let the executor answer, store the user message and the
 * answer together, report. The caller chooses the executor; executors never call back here.
 */
@Injectable()
export class ChatTurnService {
  constructor(
    private readonly conversations: ConversationService,
    private readonly config: AppConfig,
  ) {}

  async run<Prefetched>(
    principal: string,
    request: TurnRequest,
    executor: ChatExecutor<Prefetched>,
    options: TurnOptions = {},
  ): Promise<TurnResult> {
    const started = performance.now();
    const key = {
      principal,
      conversationId: request.conversationId ?? DEFAULT_CONVERSATION_ID,
      message: request.message,
    };
    const { history, alongside } = await this.conversations.readWindow(
      principal,
      key.conversationId,
      executor.historyMessages ?? this.config.conversations.historyMaxMessages,
      executor.prefetch?.(key),
    );
    const messageId = newId('m');
    const events = eventsFor(options.observer, key.conversationId, messageId);
    if (isRouteExecutor(executor)) await events.start(executor.route, executor.model);
    const answer = await executor
      .answer({ ...key, history, prefetched: alongside, events, signal: options.signal })
      .catch((error: unknown) => {
        throw options.signal?.aborted ? new ClientGoneError() : error;
      });
    if (options.signal?.aborted) throw new ClientGoneError();
    const turn = turnOf(request.message, answer, messageId);
    await this.conversations.appendTurn(principal, key.conversationId, turn);
    return {
      conversationId: key.conversationId,
      messageId,
      answer,
      latencyMs: Math.round(performance.now() - started),
    };
  }
}

function eventsFor(
  observer: TurnObserver | undefined,
  conversationId: string,
  messageId: string,
): AnswerEvents {
  if (!observer) return SILENT_EVENTS;
  return {
    live: true,
    start: (route, model) => observer.start({ conversationId, messageId, route, model }),
    progress: (event) => observer.progress(event),
  };
}

function turnOf(message: string, answer: RouteAnswer, answerId: string): Turn {
  const now = new Date().toISOString();
  const stored = (role: StoredMessage['role'], content: string, id: string): StoredMessage => ({
    message_id: id,
    role,
    content,
    route: answer.route,
    model: answer.model,
    created_at: now,
  });
  return {
    user: stored('user', message, newId('m')),
    assistant: stored('assistant', answer.text, answerId),
  };
}
