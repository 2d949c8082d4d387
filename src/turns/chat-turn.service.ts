import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import {
  ClientGoneError,
  ConversationNotFoundError,
  IdempotencyInFlightError,
  IdempotencyKeyReusedError,
  WriteOutcomeUnknownError,
} from '../common/errors.js';
import { newId } from '../common/ids.js';
import { AppConfig } from '../config/app-config.js';
import { DEFAULT_CONVERSATION_ID } from '../conversations/conversation-keys.js';
import { ConversationService } from '../conversations/conversation.service.js';
import { StoredMessage, Turn } from '../conversations/conversation.types.js';
import { RateLimiter, RateVerdict } from '../rate-limit/rate-limiter.service.js';
import { combineOps, RedisService, StoreOp } from '../redis/redis.service.js';
import { HistoryTurn } from '../routing/routing.types.js';
import {
  Claim,
  CLAIM_TTL_MS,
  ClaimOutcome,
  IdempotencyStore,
  IdempotentRequest,
} from './idempotency.store.js';
import { isRouteExecutor, SILENT_EVENTS } from './route-answer.js';
import {
  AnswerEvents,
  ChatExecutor,
  NO_CONVERSATION,
  RouteAnswer,
  TurnKey,
  TurnObserver,
  TurnRequest,
  TurnResult,
} from './turn.types.js';

export interface TurnOptions {
  /** Receives the turn's start and progress (a streamed response); none for plain JSON. */
  observer?: TurnObserver;
  /** Aborted when the client goes away: the answer is abandoned and nothing is stored. */
  signal?: AbortSignal;
  /** The request's Idempotency-Key, when it sent one. */
  idempotency?: IdempotentRequest;
}

/** What the turn's first round trip brings back besides the history. */
interface Opening<Prefetched> {
  rate: RateVerdict;
  prefetched?: Prefetched;
  claim?: ClaimOutcome<TurnResult>;
}

interface Opened<Prefetched> {
  /** False when the conversation is not the caller's: a 404. */
  found: boolean;
  history: HistoryTurn[];
  createdAt?: string;
  opening: Opening<Prefetched>;
}

/**
 * The life of one chat turn, the same for every endpoint and every route:
 * 1. open: one round trip reads the conversation's window (404 if it is not the caller's), counts the
 *    request against the rate limit, claims the Idempotency-Key, and makes the executor's own read;
 * 2. a completed repeat is answered from its record; otherwise the executor answers;
 * 3. the user message and the answer are stored together, with the idempotency record, in one script.
 * The caller chooses the executor; executors never call back here.
 */
@Injectable()
export class ChatTurnService {
  constructor(
    private readonly conversations: ConversationService,
    private readonly idempotency: IdempotencyStore,
    private readonly limiter: RateLimiter,
    private readonly redis: RedisService,
    private readonly config: AppConfig,
  ) {}

  async run<Prefetched>(
    principal: string,
    request: TurnRequest,
    executor: ChatExecutor<Prefetched>,
    options: TurnOptions = {},
  ): Promise<TurnResult> {
    const started = performance.now();
    const key: TurnKey = {
      principal,
      conversationId: request.history
        ? NO_CONVERSATION
        : (request.conversationId ?? DEFAULT_CONVERSATION_ID),
      message: request.message,
      settings: request.settings,
    };
    const opened = await this.open(key, request, executor, options.idempotency);
    const claim = await this.settle(opened);
    if (claim?.kind === 'completed') return this.replay(claim.result, options.observer);
    const held = claim?.kind === 'claimed' ? claim.claim : undefined;
    const keepAlive = held && this.keepClaimed(held);
    try {
      const messageId = newId('m');
      const answer = await this.answer(key, opened, executor, messageId, options);
      const result: TurnResult = {
        conversationId: key.conversationId,
        messageId,
        answer,
        latencyMs: Math.round(performance.now() - started),
      };
      await this.save(key, request, result, held);
      return result;
    } catch (error) {
      // Nothing was stored, so a retry with the key runs anew; unless the write may yet land.
      if (held && !(error instanceof WriteOutcomeUnknownError)) {
        await this.idempotency.release(held).catch(() => undefined);
      }
      throw error;
    } finally {
      clearInterval(keepAlive);
    }
  }

  /**
   * The first round trip: the conversation's window (none for a stateless turn, whose history came with
   * it) with the rate limit, the idempotency claim and the executor's own read.
   */
  private async open<Prefetched>(
    key: TurnKey,
    request: TurnRequest,
    executor: ChatExecutor<Prefetched>,
    idempotency: IdempotentRequest | undefined,
  ): Promise<Opened<Prefetched>> {
    const size = executor.historyMessages ?? this.config.conversations.historyMaxMessages;
    const op = this.opening(key, executor, idempotency);
    if (request.history) {
      const window = size > 0 ? request.history.slice(-size) : [];
      return {
        found: true,
        history: window[0]?.role === 'assistant' ? window.slice(1) : window,
        opening: await this.redis.run(op),
      };
    }
    const window = await this.conversations.readWindow(key.principal, key.conversationId, size, op);
    return { ...window, opening: window.alongside as Opening<Prefetched> };
  }

  private async answer<Prefetched>(
    key: TurnKey,
    opened: Opened<Prefetched>,
    executor: ChatExecutor<Prefetched>,
    messageId: string,
    { observer, signal }: TurnOptions,
  ): Promise<RouteAnswer> {
    const events = eventsFor(observer, key.conversationId, messageId);
    if (isRouteExecutor(executor)) await events.start(executor.route, executor.model);
    const answer = await executor
      .answer({
        ...key,
        history: opened.history,
        conversationCreatedAt: opened.createdAt,
        prefetched: opened.opening.prefetched,
        events,
        signal,
      })
      .catch((error: unknown) => {
        throw signal?.aborted ? new ClientGoneError() : error;
      });
    if (signal?.aborted) throw new ClientGoneError();
    return answer;
  }

  /**
   * The user message and the answer together with the idempotency record, in one script; a stateless
   * turn stores only the record.
   */
  private async save(
    key: TurnKey,
    request: TurnRequest,
    result: TurnResult,
    held: Claim | undefined,
  ): Promise<void> {
    const record = held && this.idempotency.completion(held, result);
    if (request.history) {
      if (record) await this.idempotency.complete(record);
      return;
    }
    const turn = turnOf(request.message, result.answer, result.messageId);
    await this.conversations.appendTurn(key.principal, key.conversationId, turn, record);
  }

  /** Everything the first round trip does besides reading the window. */
  private opening<Prefetched>(
    key: TurnKey,
    executor: ChatExecutor<Prefetched>,
    idempotency: IdempotentRequest | undefined,
  ): StoreOp<Opening<Prefetched>> {
    const prefetch = executor.prefetch?.(key);
    return combineOps<Opening<Prefetched>>({
      rate: this.limiter.count(key.principal),
      ...(prefetch && { prefetched: prefetch }),
      ...(idempotency && {
        claim: this.idempotency.claim<TurnResult>(key.principal, idempotency, randomUUID()),
      }),
    });
  }

  /**
   * What the first trip found, in order: 429 over the rate limit, 404 for a conversation that is not
   * the caller's (a claim just taken is given back for either), then 409 or 422 for a key in other
   * hands.
   */
  private async settle<Prefetched>({
    opening,
    found,
  }: Opened<Prefetched>): Promise<ClaimOutcome<TurnResult> | undefined> {
    const { claim } = opening;
    if ((!opening.rate.allowed || !found) && claim?.kind === 'claimed') {
      await this.idempotency.release(claim.claim).catch(() => undefined);
    }
    this.limiter.enforce(opening.rate);
    if (!found) throw new ConversationNotFoundError();
    if (claim?.kind === 'in-flight') throw new IdempotencyInFlightError();
    if (claim?.kind === 'reused') throw new IdempotencyKeyReusedError();
    return claim;
  }

  /** A completed repeat: the first response again; streamed, its whole text as one delta. */
  private async replay(result: TurnResult, observer?: TurnObserver): Promise<TurnResult> {
    if (observer) {
      const { conversationId, messageId, answer } = result;
      await observer.start({ conversationId, messageId, route: answer.route, model: answer.model });
      await observer.progress({ type: 'delta', text: answer.text });
    }
    return result;
  }

  /** Extends the claim while the turn runs, so only a dead instance's claim lapses. */
  private keepClaimed(claim: Claim): NodeJS.Timeout {
    return setInterval(() => {
      this.idempotency.extend(claim).catch(() => undefined);
    }, CLAIM_TTL_MS / 3).unref();
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
