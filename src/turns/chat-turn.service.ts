import { Injectable } from '@nestjs/common';
import { newId } from '../common/ids.js';
import { AppConfig } from '../config/app-config.js';
import { DEFAULT_CONVERSATION_ID } from '../conversations/conversation-keys.js';
import { ConversationService } from '../conversations/conversation.service.js';
import { StoredMessage, Turn } from '../conversations/conversation.types.js';
import { ChatExecutor, RouteAnswer, TurnRequest, TurnResult } from './turn.types.js';

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
    const answer = await executor.answer({ ...key, history, prefetched: alongside });
    const turn = turnOf(request.message, answer);
    await this.conversations.appendTurn(principal, key.conversationId, turn);
    return {
      conversationId: key.conversationId,
      messageId: turn.assistant.message_id,
      answer,
      latencyMs: Math.round(performance.now() - started),
    };
  }
}

function turnOf(message: string, answer: RouteAnswer): Turn {
  const now = new Date().toISOString();
  const stored = (role: StoredMessage['role'], content: string): StoredMessage => ({
    message_id: newId('m'),
    role,
    content,
    route: answer.route,
    model: answer.model,
    created_at: now,
  });
  return { user: stored('user', message), assistant: stored('assistant', answer.text) };
}
