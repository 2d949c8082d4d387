import { StoredMessage } from '../conversations/conversation.types.js';
import { Usage } from '../llm/llm.service.js';
import { StoreCommand } from '../redis/redis.service.js';
import { Route } from '../routing/routing.types.js';
import { RoutingDto, StepDto, ToolCallDto } from './dto/chat-response.dto.js';

export type StopReason = 'end_turn' | 'max_tokens' | 'budget';

/** What a route needs to answer one message. The conversation has been read, not yet written. */
export interface TurnInput {
  principal: string;
  conversationId: string;
  message: string;
  /** The recent window, oldest first (HISTORY_MAX_MESSAGES); a route may send less of it. */
  history: StoredMessage[];
  /** Decided upstream (the orchestrator); undefined lets the route decide. */
  needsHistory?: boolean;
  /** Replies to the executor's `prefetch` reads, made in the same round trip as the history read. */
  prefetched?: unknown[];
  signal?: AbortSignal;
}

export type TurnKey = Pick<TurnInput, 'principal' | 'conversationId' | 'message'>;

/** A route's answer, before it is stored and shaped as a ChatResponse. */
export interface RouteAnswer {
  text: string;
  model: string;
  usage: Usage;
  stopReason: StopReason;
  cached?: boolean;
  toolCalls?: ToolCallDto[];
  steps?: StepDto[];
}

/** One way of answering; the orchestrator keeps a registry of these by route. */
export interface RouteExecutor {
  readonly route: Route;
  answer(input: TurnInput): Promise<RouteAnswer>;
  /** Store reads this route will need whatever the history says, folded into the history read. */
  prefetch?(turn: TurnKey): StoreCommand[];
  /** How many recent messages the route reads (default HISTORY_MAX_MESSAGES). */
  readonly historyMessages?: number;
  /** False when the route cannot work right now (no tools connected); absent means always. */
  available?(): boolean;
}

/** What a turn produced: the answer, the route that gave it, and (orchestrated) why. */
export interface RoutedAnswer {
  route: Route;
  answer: RouteAnswer;
  routing?: RoutingDto;
}
