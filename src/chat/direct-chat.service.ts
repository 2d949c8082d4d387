import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { LLMService } from '../llm/llm.service.js';
import { ChatTurnService } from './chat-turn.service.js';
import { ChatRequest } from './dto/chat-request.dto.js';
import { ChatResponse } from './dto/chat-response.dto.js';
import { answerOf } from './model-answer.js';
import { RouteAnswer, RouteExecutor, TurnInput } from './route-executor.js';

const SYSTEM_PROMPT =
  'You are a capable, careful assistant. Answer accurately and clearly; use the conversation so far ' +
  'when the question depends on it. Use Markdown where it helps readability.';

/** `direct_llm`: the conversation so far and the message, answered by the default model. */
@Injectable()
export class DirectChatService implements RouteExecutor {
  readonly route = 'direct_llm' as const;

  constructor(
    private readonly llm: LLMService,
    private readonly turns: ChatTurnService,
    private readonly config: AppConfig,
  ) {}

  reply(principal: string, request: ChatRequest): Promise<ChatResponse> {
    return this.turns.reply(principal, request, this);
  }

  async answer({ message, history, needsHistory, signal }: TurnInput): Promise<RouteAnswer> {
    const reply = await this.llm.create({
      model: this.llm.defaultModel,
      system: SYSTEM_PROMPT,
      messages: this.llm.toMessages(needsHistory === false ? [] : history, message),
      maxTokens: this.config.llm.maxTokens,
      signal,
    });
    return answerOf(reply);
  }
}
