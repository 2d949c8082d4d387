import { Inject, Injectable, Logger } from '@nestjs/common';
import { ChatTurnService } from '../chat/chat-turn.service.js';
import { ChatRequest } from '../chat/dto/chat-request.dto.js';
import { ChatResponse, RoutingDto } from '../chat/dto/chat-response.dto.js';
import { addUsage, NO_USAGE, usageOf } from '../chat/model-answer.js';
import { RoutedAnswer, TurnInput } from '../chat/route-executor.js';
import { AppConfig } from '../config/app-config.js';
import { DEFAULT_CONVERSATION_ID } from '../conversations/conversation-keys.js';
import { parseSlot, readSlot, writeSlot } from '../conversations/derived-cache.js';
import { ConversationService } from '../conversations/conversation.service.js';
import { LLMService, Usage } from '../llm/llm.service.js';
import { RedisService } from '../redis/redis.service.js';
import { LocalRouter, ROUTER_VERSION } from '../routing/local-router.js';
import { LocalDecision, RoutingInput } from '../routing/routing.types.js';
import { RouteDecisionDto } from './dto/route-decision.dto.js';
import { ROUTE_EXECUTORS, type RouteExecutors } from './route-executors.js';
import {
  EscalatedDecision,
  escalationSlot,
  escalationMessages,
  parseEscalation,
  ROUTE_TOOL,
  ROUTER_SYSTEM_PROMPT,
} from './router/route-escalation.js';

/** Below this calibrated confidence the local analysis asks the fast model (ROUTER_LLM=on). */
const ESCALATION_THRESHOLD = 0.6;
const ESCALATION_TIMEOUT_MS = 4000;
const ESCALATION_CACHE_SECONDS = 24 * 3600;
/** The recent messages the router reads. */
const ROUTER_HISTORY_MESSAGES = 6;

interface Decision {
  routing: RoutingDto;
  candidates: LocalDecision['candidates'];
  usage: Usage;
}

/**
 * `POST /chat/orchestrated`: analyse the message with the conversation's recent history, choose a
 * route, and run it with the same executor the route's own endpoint uses. It keeps no message state:
 * history comes from ConversationService and the turn is stored by ChatTurnService.
 */
@Injectable()
export class OrchestratedChatService {
  private readonly logger = new Logger('Orchestrator');
  private readonly localRouter = new LocalRouter();

  constructor(
    private readonly store: RedisService,
    private readonly conversations: ConversationService,
    private readonly llm: LLMService,
    private readonly turns: ChatTurnService,
    @Inject(ROUTE_EXECUTORS) private readonly executors: RouteExecutors,
    private readonly config: AppConfig,
  ) {}

  reply(principal: string, request: ChatRequest): Promise<ChatResponse> {
    return this.turns.run(principal, request, (input) => this.routeAndAnswer(input));
  }

  /**
   * The decision alone, from the same history the real call would read. Nothing is stored, not even
   * an escalated decision (a cached one is used).
   */
  async dryRun(principal: string, request: ChatRequest): Promise<RouteDecisionDto> {
    const started = process.hrtime.bigint();
    const { history } = await this.conversations.readWindow(
      principal,
      request.conversation_id ?? DEFAULT_CONVERSATION_ID,
      this.config.conversations.historyMaxMessages,
    );
    const turn = { principal, conversationId: request.conversation_id ?? DEFAULT_CONVERSATION_ID };
    const decision = await this.decideRoute(
      this.routingInput(request.message, history),
      turn,
      false,
    );
    const latencyUs = Number((process.hrtime.bigint() - started) / 1000n);
    return { ...decision.routing, candidates: decision.candidates, latency_us: latencyUs };
  }

  private async routeAndAnswer(input: TurnInput): Promise<RoutedAnswer> {
    const decision = await this.decideRoute(
      this.routingInput(input.message, input.history),
      input,
      true,
    );
    const { route, needs_history: needsHistory } = decision.routing;
    const executor = this.executors.get(route);
    if (!executor) throw new Error(`No executor registered for route ${route}`);
    const answer = await executor.answer({ ...input, needsHistory });
    // A cache hit reports zero usage, as on /chat/ultrafast, even when routing it took a model call.
    const usage = answer.cached ? answer.usage : addUsage(answer.usage, decision.usage);
    return { route, answer: { ...answer, usage }, routing: decision.routing };
  }

  private routingInput(message: string, history: TurnInput['history']): RoutingInput {
    const toolsAvailable = this.executors.get('needs_tools')?.available?.() ?? false;
    return { message, history: history.slice(-ROUTER_HISTORY_MESSAGES), toolsAvailable };
  }

  /**
   * Local analysis first; when it is unsure, the fast model, whose decisions are cached in Redis for
   * every instance (`remember` off for the dry run). Never fails.
   */
  private async decideRoute(
    input: RoutingInput,
    turn: Pick<TurnInput, 'principal' | 'conversationId'>,
    remember: boolean,
  ): Promise<Decision> {
    const local = this.localRouter.decide(input);
    const candidates = local.candidates.map(({ route, score }) => ({ route, score: round(score) }));
    const decided = (
      decidedBy: RoutingDto['decided_by'],
      chosen: Omit<EscalatedDecision, 'usage'> = local,
      usage = NO_USAGE,
    ): Decision => ({
      routing: {
        route: chosen.route,
        confidence: round(chosen.confidence),
        decided_by: decidedBy,
        needs_history: chosen.needsHistory,
        reason: chosen.reason,
      },
      candidates,
      usage,
    });
    if (local.confidence >= ESCALATION_THRESHOLD || !this.config.orchestration.routerLlm) {
      return decided(local.decidedBy);
    }
    const slot = escalationSlot(ROUTER_VERSION, input, turn.principal, turn.conversationId);
    try {
      const [cached] = await this.store.batch([readSlot(slot)]);
      const known = parseSlot<EscalatedDecision>(cached);
      if (known) return decided('llm', known);
      const escalated = await this.escalate(input, local);
      if (!escalated)
        return decided('fallback', withNote(local, 'router model gave no usable route'));
      if (remember) {
        const { usage: _usage, ...decision } = escalated;
        await writeSlot(this.store, slot, decision, ESCALATION_CACHE_SECONDS).catch(
          () => undefined,
        );
      }
      return decided('llm', escalated, escalated.usage);
    } catch (error) {
      this.logger.warn(`Routing escalation failed, using the local decision: ${String(error)}`);
      return decided('fallback', withNote(local, 'router model unavailable'));
    }
  }

  private async escalate(
    input: RoutingInput,
    local: LocalDecision,
  ): Promise<(EscalatedDecision & { usage: Usage }) | undefined> {
    const reply = await this.llm.create({
      model: this.llm.fastModel,
      system: ROUTER_SYSTEM_PROMPT,
      messages: escalationMessages(input, local),
      maxTokens: 200,
      tools: [ROUTE_TOOL],
      toolChoice: { type: 'tool', name: ROUTE_TOOL.name },
      timeoutMs: ESCALATION_TIMEOUT_MS,
    });
    const escalated = parseEscalation(reply, input.toolsAvailable);
    return escalated && { ...escalated, usage: usageOf(reply) };
  }
}

function withNote(local: LocalDecision, note: string): LocalDecision {
  return { ...local, reason: `${local.reason}; ${note}` };
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
