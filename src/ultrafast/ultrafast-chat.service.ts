import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { AppConfig } from '../config/app-config.js';
import { HistoryTurn } from '../routing/routing.types.js';
import { LLMService } from '../llm/llm.service.js';
import { NO_USAGE } from '../llm/model.types.js';
import { StoreOp } from '../redis/redis.service.js';
import { answerOf, deltasOf, historyToSend, withSettings } from '../turns/route-answer.js';
import { RouteAnswer, RouteExecutor, TurnInput, TurnKey } from '../turns/turn.types.js';
import { AnswerCacheService } from './answer-cache.service.js';
import { AnswerCacheStore, AnswerSlot, CacheLookup } from './answer-cache.store.js';

const SYSTEM_PROMPT =
  'You answer quick questions and small talk in one or two short sentences. Be direct and friendly; ' +
  'no preamble, no lists unless asked.';
/** Part of every cache key: changing the prompt retires the answers it produced. */
const PROMPT_VERSION = createHash('sha256').update(SYSTEM_PROMPT).digest('hex').slice(0, 8);

/**
 * `ultra_fast`: the fast model, a short window sent only when the message depends on it, a small
 * answer, and the shared response cache.
 */
@Injectable()
export class UltrafastChatService implements RouteExecutor<CacheLookup> {
  readonly route = 'ultra_fast' as const;
  readonly historyMessages: number;

  constructor(
    private readonly llm: LLMService,
    private readonly cache: AnswerCacheService,
    private readonly answers: AnswerCacheStore,
    private readonly config: AppConfig,
  ) {
    this.historyMessages = config.ultrafast.windowMessages;
  }

  get model(): string {
    return this.llm.fastModel;
  }

  /**
   * The context-free entry is read with the history, so a typical hit costs one read. A global entry
   * lives in another Redis Cluster slot than the principal's keys, so it is read on its own.
   */
  prefetch(turn: TurnKey): StoreOp<CacheLookup> | undefined {
    if (!this.answers.sharesSlotWithConversations) return undefined;
    return this.answers.lookup(this.slotFor(turn, []));
  }

  async answer(input: TurnInput<CacheLookup>): Promise<RouteAnswer> {
    const window = this.windowFor(input);
    const outcome = await this.cache.getOrCompute(this.slotFor(input, window), {
      compute: (signal) => this.callModel(window, { ...input, signal }),
      toCache: (answer) =>
        answer.stopReason === 'end_turn' ? { text: answer.text, model: answer.model } : undefined,
      prefetched: window.length === 0 ? input.prefetched : undefined,
      signal: input.signal,
    });
    if (!outcome.cached) return outcome.value as RouteAnswer;
    const { text, model } = outcome.value;
    // The text arrived whole (a hit, or another request's model call): one delta carries it.
    if (text) await input.events.progress({ type: 'delta', text });
    // A joined flight in this process shares the leader's whole answer, which may have been cut.
    const stopReason = 'stopReason' in outcome.value ? outcome.value.stopReason : 'end_turn';
    return { route: this.route, text, model, usage: NO_USAGE, stopReason, cached: true };
  }

  private slotFor(
    turn: TurnKey & Pick<TurnInput, 'conversationCreatedAt'>,
    window: HistoryTurn[],
  ): AnswerSlot {
    return this.answers.locate({
      principal: turn.principal,
      conversationId: turn.conversationId,
      conversationCreatedAt: turn.conversationCreatedAt,
      model: this.model,
      // Settings change the answer (another system text, temperature…): another entry.
      promptVersion: turn.settings
        ? `${PROMPT_VERSION}:${JSON.stringify(turn.settings)}`
        : PROMPT_VERSION,
      window,
      message: turn.message,
    });
  }

  /** The last ULTRAFAST_WINDOW_MESSAGES, or nothing for a message that does not depend on them. */
  private windowFor(input: TurnInput<CacheLookup>): HistoryTurn[] {
    const window = historyToSend(input, 'analyse').slice(-this.config.ultrafast.windowMessages);
    return window[0]?.role === 'assistant' ? window.slice(1) : window;
  }

  private async callModel(
    window: HistoryTurn[],
    { message, signal, events, settings }: TurnInput<CacheLookup>,
  ): Promise<RouteAnswer> {
    const reply = await this.llm.create(
      withSettings(
        {
          model: this.model,
          system: SYSTEM_PROMPT,
          messages: this.llm.toMessages(window, message),
          maxTokens: this.config.ultrafast.maxTokens,
          signal,
          onText: deltasOf(events),
        },
        settings,
      ),
    );
    return answerOf(this.route, reply);
  }
}
