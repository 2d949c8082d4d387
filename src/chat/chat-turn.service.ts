import { Injectable } from '@nestjs/common';
import { newId } from '../common/ids.js';
import { AppConfig } from '../config/app-config.js';
import { DEFAULT_CONVERSATION_ID } from '../conversations/conversation-keys.js';
import { ConversationService } from '../conversations/conversation.service.js';
import { StoredMessage, Turn } from '../conversations/conversation.types.js';
import { StoreCommand } from '../redis/redis.service.js';
import { ChatRequest } from './dto/chat-request.dto.js';
import { ChatResponse } from './dto/chat-response.dto.js';
import { RoutedAnswer, RouteExecutor, TurnInput } from './route-executor.js';

/**
 * The life of one chat turn, the same for every endpoint: read the conversation's window (404 if it is
 * not the caller's), let a route answer, store the user message and the answer together, respond.
 */
@Injectable()
export class ChatTurnService {
  constructor(
    private readonly conversations: ConversationService,
    private readonly config: AppConfig,
  ) {}

  /** A turn answered by one fixed route. */
  reply(principal: string, request: ChatRequest, executor: RouteExecutor): Promise<ChatResponse> {
    const conversationId = request.conversation_id ?? DEFAULT_CONVERSATION_ID;
    const prefetch = executor.prefetch?.({ principal, conversationId, message: request.message });
    const answer = async (input: TurnInput) => ({
      route: executor.route,
      answer: await executor.answer(input),
    });
    return this.run(principal, request, answer, {
      prefetch,
      historyMessages: executor.historyMessages,
    });
  }

  /** A turn whose route is chosen by `answer` (the orchestrator). */
  async run(
    principal: string,
    request: ChatRequest,
    answer: (input: TurnInput) => Promise<RoutedAnswer>,
    reads: { prefetch?: StoreCommand[]; historyMessages?: number } = {},
  ): Promise<ChatResponse> {
    const started = performance.now();
    const conversationId = request.conversation_id ?? DEFAULT_CONVERSATION_ID;
    const { history, alongside } = await this.conversations.readWindow(
      principal,
      conversationId,
      reads.historyMessages ?? this.config.conversations.historyMaxMessages,
      reads.prefetch,
    );
    const routed = await answer({
      principal,
      conversationId,
      message: request.message,
      history,
      prefetched: alongside,
    });
    const turn = turnOf(request.message, routed);
    await this.conversations.appendTurn(principal, conversationId, turn);
    return responseOf(conversationId, turn, routed, Math.round(performance.now() - started));
  }
}

function turnOf(message: string, { route, answer }: RoutedAnswer): Turn {
  const now = new Date().toISOString();
  const stored = (role: StoredMessage['role'], content: string): StoredMessage => ({
    message_id: newId('m'),
    role,
    content,
    route,
    model: answer.model,
    created_at: now,
  });
  return { user: stored('user', message), assistant: stored('assistant', answer.text) };
}

function responseOf(
  conversationId: string,
  turn: Turn,
  { route, answer, routing }: RoutedAnswer,
  latencyMs: number,
): ChatResponse {
  return {
    conversation_id: conversationId,
    message_id: turn.assistant.message_id,
    response: answer.text,
    route,
    model: answer.model,
    cached: answer.cached ?? false,
    usage: answer.usage,
    ...(answer.toolCalls && { tool_calls: answer.toolCalls }),
    ...(answer.steps && { steps: answer.steps }),
    ...(routing && { routing }),
    stop_reason: answer.stopReason,
    latency_ms: latencyMs,
  };
}
