import { Inject, Injectable } from '@nestjs/common';
import { ConversationNotFoundError } from '../common/errors.js';
import { AppConfig } from '../config/app-config.js';
import { DEFAULT_CONVERSATION_ID } from '../conversations/conversation-keys.js';
import { ConversationService } from '../conversations/conversation.service.js';
import { addUsage } from '../llm/model.types.js';
import { HistoryTurn, Route, RoutingInput } from '../routing/routing.types.js';
import {
  ChatExecutor,
  RouteAnswer,
  RouteExecutor,
  TurnInput,
  TurnRequest,
} from '../turns/turn.types.js';
import { Decision, RouteDecider } from './router/route-decider.service.js';

/** The recent messages the router reads. */
const ROUTER_HISTORY_MESSAGES = 6;

/** Route → the executor that runs it. Adding a route is one entry in OrchestrationModule. */
export const ROUTE_EXECUTORS = Symbol('ROUTE_EXECUTORS');
export type RouteExecutors = ReadonlyMap<Route, RouteExecutor<unknown>>;

/**
 * `POST /chat/orchestrated`: decide a route from the message and the conversation's recent history,
 * then answer with the same executor the route's own endpoint uses. It keeps no message state.
 */
@Injectable()
export class OrchestratedChatService implements ChatExecutor {
  constructor(
    private readonly decider: RouteDecider,
    private readonly conversations: ConversationService,
    @Inject(ROUTE_EXECUTORS) private readonly executors: RouteExecutors,
    private readonly config: AppConfig,
  ) {}

  async answer(input: TurnInput): Promise<RouteAnswer> {
    const decision = await this.decider.decide(this.routingInput(input.message, input.history), {
      principal: input.principal,
      conversationId: input.conversationId,
      conversationCreatedAt: input.conversationCreatedAt,
      remember: true,
      signal: input.signal,
    });
    const { route, needsHistory } = decision.routing;
    const executor = this.executors.get(route);
    if (!executor) throw new Error(`No executor registered for route ${route}`);
    await input.events.start(route, executor.model);
    const answer = await executor.answer({ ...input, needsHistory });
    // A cache hit reports zero usage, as on /chat/ultrafast, even when routing it took a model call.
    const usage = answer.cached ? answer.usage : addUsage(answer.usage, decision.usage);
    return { ...answer, usage, routing: decision.routing };
  }

  /**
   * The decision alone, from the same history the real call would read. Nothing is stored, not even an
   * escalated decision (a cached one is used).
   */
  async dryRun(principal: string, request: TurnRequest): Promise<Decision> {
    const conversationId = request.conversationId ?? DEFAULT_CONVERSATION_ID;
    const { found, history, createdAt } = await this.conversations.readWindow(
      principal,
      conversationId,
      this.config.conversations.historyMaxMessages,
    );
    if (!found) throw new ConversationNotFoundError();
    return this.decider.decide(this.routingInput(request.message, history), {
      principal,
      conversationId,
      conversationCreatedAt: createdAt,
      remember: false,
    });
  }

  private routingInput(message: string, history: HistoryTurn[]): RoutingInput {
    const toolsAvailable = this.executors.get('needs_tools')?.available?.() ?? false;
    return { message, history: history.slice(-ROUTER_HISTORY_MESSAGES), toolsAvailable };
  }
}

export function routeExecutors(...executors: Array<RouteExecutor<unknown>>): RouteExecutors {
  return new Map(executors.map((executor) => [executor.route, executor]));
}
