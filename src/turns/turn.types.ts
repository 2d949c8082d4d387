import { Usage } from '../llm/model.types.js';
import { StoreOp } from '../redis/redis.service.js';
import { DecidedBy, HistoryTurn, Route } from '../routing/routing.types.js';

/** What a chat turn asks: the message and the conversation it continues (default: `default`). */
export interface TurnRequest {
  message: string;
  conversationId?: string;
  /**
   * A stateless turn: the history comes with the request and nothing is stored (the OpenAI door's
   * default). `conversationId` is then ignored.
   */
  history?: HistoryTurn[];
  settings?: AnswerSettings;
}

/**
 * Per-request settings of the model calls that write the answer (the OpenAI door's parameters), already
 * checked; a route never lets them raise its own limits.
 */
export interface AnswerSettings {
  /** Added to the route's own system prompt. */
  system?: string;
  maxTokens?: number;
  temperature?: number;
  topP?: number;
  stop?: string[];
}

/** What an executor needs to answer one message. The conversation has been read, not yet written. */
export interface TurnInput<Prefetched = undefined> {
  principal: string;
  conversationId: string;
  message: string;
  /** The recent window, oldest first; an executor may send less of it. */
  history: HistoryTurn[];
  /** Identifies this incarnation of the conversation (undefined before it exists); data derived from
   * its history is tied to it, so nothing derived survives a DELETE. */
  conversationCreatedAt?: string;
  /** Decided upstream (the orchestrator); undefined lets the executor decide. */
  needsHistory?: boolean;
  settings?: AnswerSettings;
  /** The reply to the executor's `prefetch` read, made in the same round trip as the history read. */
  prefetched?: Prefetched;
  /** Where the answer's progress goes as it is produced (a stream), or nowhere. */
  events: AnswerEvents;
  /** Aborted when the client goes away or a budget runs out: stop calling the model and tools. */
  signal?: AbortSignal;
}

/** A tool call as it starts, and as it ends. */
type ToolCallStart = Pick<ToolCallRecord, 'id' | 'server' | 'name' | 'input'>;
type ToolCallEnd = Pick<ToolCallRecord, 'id' | 'isError' | 'outputPreview' | 'durationMs'>;

interface StepProgress {
  index: number;
  title: string;
  status: 'running' | StepRecord['status'];
}

/** What happens while an answer is produced, in order. Concatenated deltas are the answer's text. */
export type ProgressEvent =
  | { type: 'delta'; text: string }
  | { type: 'tool_call'; call: ToolCallStart }
  | { type: 'tool_result'; result: ToolCallEnd }
  | { type: 'step'; step: StepProgress };

/**
 * The executors' side of a turn's events. Each call resolves once the event is on its way, so a slow
 * reader slows the producer instead of filling memory.
 */
export interface AnswerEvents {
  /** True when someone reads the events: executors then stream the model's text. */
  readonly live: boolean;
  /** The route and the model that will write the answer are known: before any progress. */
  start(route: Route, model: string): Promise<void>;
  progress(event: ProgressEvent): Promise<void>;
}

/** A turn's start as its reader sees it. */
export interface TurnStart {
  conversationId: string;
  /** The id the stored answer will have. */
  messageId: string;
  route: Route;
  model: string;
}

/** The reader's side of a turn's events (an SSE stream). */
export interface TurnObserver {
  start(start: TurnStart): Promise<void>;
  progress(event: ProgressEvent): Promise<void>;
}

/** The conversation id of a stateless turn: no conversation, so nothing derived from it is cached. */
export const NO_CONVERSATION = '';

export type TurnKey = Pick<TurnInput, 'principal' | 'conversationId' | 'message' | 'settings'>;

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

/**
 * One way of answering a turn; the chat endpoints hand one to ChatTurnService. An executor that is not a
 * RouteExecutor (the orchestrator) calls `events.start` itself once it knows the route.
 */
export interface ChatExecutor<Prefetched = undefined> {
  answer(input: TurnInput<Prefetched>): Promise<RouteAnswer>;
  /** How many recent messages the executor reads (default HISTORY_MAX_MESSAGES). */
  readonly historyMessages?: number;
  /** Another store's read this executor needs whatever the history says, made with the history read. */
  prefetch?(turn: TurnKey): StoreOp<Prefetched> | undefined;
}

/** An executor of one fixed route; the orchestrator keeps a registry of these. */
export interface RouteExecutor<Prefetched = undefined> extends ChatExecutor<Prefetched> {
  readonly route: Route;
  /** The model that writes this route's answers. */
  readonly model: string;
  /** False when the route cannot work right now (no tools connected); absent means always. */
  available?(): boolean;
}

/** A stored turn, as the chat endpoints report it. */
export interface TurnResult {
  /** NO_CONVERSATION for a stateless turn. */
  conversationId: string;
  /** The id of the stored answer. */
  messageId: string;
  answer: RouteAnswer;
  latencyMs: number;
}
