import { StoredMessage } from '../conversations/conversation.types.js';
import { Usage } from '../llm/model.types.js';
import { StoreRead } from '../redis/redis.service.js';
import { DecidedBy, Route } from '../routing/routing.types.js';

/** What a chat turn asks: the message and the conversation it continues (default: `default`). */
export interface TurnRequest {
  message: string;
  conversationId?: string;
}

/** What an executor needs to answer one message. The conversation has been read, not yet written. */
export interface TurnInput<Prefetched = undefined> {
  principal: string;
  conversationId: string;
  message: string;
  /** The recent window, oldest first; an executor may send less of it. */
  history: StoredMessage[];
  /** Decided upstream (the orchestrator); undefined lets the executor decide. */
  needsHistory?: boolean;
  /** The reply to the executor's `prefetch` read, made in the same round trip as the history read. */
  prefetched?: Prefetched;
  signal?: AbortSignal;
}

export type TurnKey = Pick<TurnInput, 'principal' | 'conversationId' | 'message'>;

export type StopReason = 'end_turn' | 'max_tokens' | 'budget';

export interface ToolCallRecord {
  id: string;
  server: string;
  name: string;
  input: unknown;
  isError: boolean;
  outputPreview: string;
  durationMs: number;
}

export interface StepRecord {
  index: number;
  title: string;
  status: 'done' | 'failed' | 'skipped';
  outputPreview: string;
}

export interface RoutingDecision {
  route: Route;
  confidence: number;
  decidedBy: DecidedBy;
  needsHistory: boolean;
  reason: string;
}

/** An executor's answer, before it is stored. */
export interface RouteAnswer {
  route: Route;
  text: string;
  /** The model that wrote the answer. */
  model: string;
  /** Summed over every model call of the turn. */
  usage: Usage;
  stopReason: StopReason;
  cached?: boolean;
  toolCalls?: ToolCallRecord[];
  steps?: StepRecord[];
  /** Why the orchestrator chose the route. */
  routing?: RoutingDecision;
}

/** One way of answering a turn; the chat endpoints hand one to ChatTurnService. */
export interface ChatExecutor<Prefetched = undefined> {
  answer(input: TurnInput<Prefetched>): Promise<RouteAnswer>;
  /** How many recent messages the executor reads (default HISTORY_MAX_MESSAGES). */
  readonly historyMessages?: number;
  /** Another store's read this executor needs whatever the history says, made with the history read. */
  prefetch?(turn: TurnKey): StoreRead<Prefetched> | undefined;
}

/** An executor of one fixed route; the orchestrator keeps a registry of these. */
export interface RouteExecutor<Prefetched = undefined> extends ChatExecutor<Prefetched> {
  readonly route: Route;
  /** False when the route cannot work right now (no tools connected); absent means always. */
  available?(): boolean;
}

/** A stored turn, as the chat endpoints report it. */
export interface TurnResult {
  conversationId: string;
  /** The id of the stored answer. */
  messageId: string;
  answer: RouteAnswer;
  latencyMs: number;
}
