import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { LLMService } from '../llm/llm.service.js';
import { answerOf, deltasOf, historyToSend, withSettings } from '../turns/route-answer.js';
import { RouteAnswer, RouteExecutor, TurnInput } from '../turns/turn.types.js';

const SYSTEM_PROMPT =
  'You are a capable, careful assistant. Answer accurately and clearly; use the conversation so far ' +
  'when the question depends on it. Use Markdown where it helps readability.';

/** `direct_llm`: the conversation so far and the message, answered by the default model. */
@Injectable()
export class DirectChatService implements RouteExecutor {
  readonly route = 'direct_llm' as const;

  constructor(
    private readonly llm: LLMService,
    private readonly config: AppConfig,
  ) {}

  get model(): string {
    return this.llm.defaultModel;
  }

  async answer(input: TurnInput): Promise<RouteAnswer> {
    const reply = await this.llm.create(
      withSettings(
        {
          model: this.model,
          system: SYSTEM_PROMPT,
          messages: this.llm.toMessages(historyToSend(input), input.message),
          maxTokens: this.config.llm.maxTokens,
          signal: input.signal,
          onText: deltasOf(input.events),
        },
        input.settings,
      ),
    );
    return answerOf(this.route, reply);
  }
}
