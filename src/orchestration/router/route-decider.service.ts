import { Injectable, Logger } from '@nestjs/common';
import { Counter } from 'prom-client';
import { AppLogger } from '../../common/app-logger.service.js';
import { AppConfig } from '../../config/app-config.js';
import { LLMService } from '../../llm/llm.service.js';
import { NO_USAGE, Usage } from '../../llm/model.types.js';
import { MetricsService } from '../../metrics/metrics.service.js';
import { LocalRouter, ROUTER_VERSION } from '../../routing/local-router.js';
import { DecidedBy, LocalDecision, RouteScore, RoutingInput } from '../../routing/routing.types.js';
import { RoutingDecision } from '../../turns/turn.types.js';
import {
  EscalatedDecision,
  escalationMessages,
  escalationRecord,
  parseEscalation,
  ROUTE_TOOL,
  ROUTER_SYSTEM_PROMPT,
} from './route-escalation.js';
import { DecisionKey, RoutingDecisionCache } from './routing-decision.cache.js';

/** Below this calibrated confidence the local analysis asks the fast model (ROUTER_LLM=on). */
const ESCALATION_THRESHOLD = 0.6;
const ESCALATION_TIMEOUT_MS = 4000;

export interface Decision {
  routing: RoutingDecision;
  candidates: RouteScore[];
  /** The escalation's model usage, if one was made. */
  usage: Usage;
  /** The decision's own time: local analysis plus any escalation. */
  latencyUs: number;
}

/** Whose conversation is being routed, and whether an escalated decision may be cached. */
export interface DecisionContext {
  /** Cancels an escalation when the client goes away. */
  signal?: AbortSignal;
  principal: string;
  conversationId: string;
  conversationCreatedAt?: string;
  remember: boolean;
}

/**
 * Local analysis first; when it is unsure and ROUTER_LLM=on, the fast model, whose decisions are cached
 * for every instance. Never fails: a failed escalation falls back to the local decision.
 * Each answered escalation is counted by whether the model agreed with the local route
 * (`router_escalations_total{agreed}`) and logged as a `router_escalation` record, from which
 * scripts/export-escalations.ts makes candidate training lines.
 */
@Injectable()
export class RouteDecider {
  private readonly logger = new Logger('Router');
  private readonly localRouter = new LocalRouter();
  private readonly escalations: Counter;

  constructor(
    private readonly decisions: RoutingDecisionCache,
    private readonly llm: LLMService,
    private readonly config: AppConfig,
    metrics: MetricsService,
    private readonly appLogger: AppLogger,
  ) {
    this.escalations = metrics.counter(
      'router_escalations_total',
      'Routing escalations the fast model answered, by whether it agreed with the local route',
      ['agreed'],
    );
  }

  async decide(input: RoutingInput, context: DecisionContext): Promise<Decision> {
    const started = process.hrtime.bigint();
    const local = this.localRouter.decide(input);
    const { decidedBy, chosen, usage } = await this.refine(input, local, context);
    return {
      routing: {
        route: chosen.route,
        confidence: round(chosen.confidence),
        decidedBy,
        needsHistory: chosen.needsHistory,
        reason: chosen.reason,
      },
      candidates: local.candidates.map(({ route, score }) => ({ route, score: round(score) })),
      usage,
      latencyUs: Number((process.hrtime.bigint() - started) / 1000n),
    };
  }

  private async refine(
    input: RoutingInput,
    local: LocalDecision,
    context: DecisionContext,
  ): Promise<{ decidedBy: DecidedBy; chosen: EscalatedDecision; usage: Usage }> {
    if (local.confidence >= ESCALATION_THRESHOLD || !this.config.orchestration.routerLlm) {
      return { decidedBy: local.decidedBy, chosen: local, usage: NO_USAGE };
    }
    const key: DecisionKey = {
      routerVersion: ROUTER_VERSION,
      input,
      principal: context.principal,
      conversationId: context.conversationId,
      conversationCreatedAt: context.conversationCreatedAt,
    };
    try {
      const known = await this.decisions.read(key).catch(() => undefined);
      if (known) return { decidedBy: 'llm', chosen: known, usage: NO_USAGE };
      const { decision, usage } = await this.escalate(input, local, context.signal);
      if (!decision) {
        const chosen = withNote(local, 'router model gave no usable route');
        return { decidedBy: 'fallback', chosen, usage };
      }
      this.recordEscalation(input, local, decision);
      if (context.remember) await this.decisions.write(key, decision).catch(() => undefined);
      return { decidedBy: 'llm', chosen: decision, usage };
    } catch (error) {
      this.logger.warn(`Routing escalation failed, using the local decision: ${String(error)}`);
      const chosen = withNote(local, 'router model unavailable');
      return { decidedBy: 'fallback', chosen, usage: NO_USAGE };
    }
  }

  private recordEscalation(
    input: RoutingInput,
    local: LocalDecision,
    decision: EscalatedDecision,
  ): void {
    const record = escalationRecord(
      input,
      this.localRouter.describe(input),
      local,
      decision,
      this.config.routerLogText,
    );
    this.escalations.inc({ agreed: String(record.agreed) });
    this.appLogger.pino.info(record, 'router escalation');
  }

  private async escalate(
    input: RoutingInput,
    local: LocalDecision,
    signal: AbortSignal | undefined,
  ): Promise<{ decision?: EscalatedDecision; usage: Usage }> {
    const reply = await this.llm.create({
      model: this.llm.fastModel,
      system: ROUTER_SYSTEM_PROMPT,
      messages: escalationMessages(input, local),
      maxTokens: 200,
      tools: [ROUTE_TOOL],
      toolChoice: { type: 'tool', name: ROUTE_TOOL.name },
      timeoutMs: ESCALATION_TIMEOUT_MS,
      signal,
    });
    return { decision: parseEscalation(reply, input.toolsAvailable), usage: reply.usage };
  }
}

function withNote(local: LocalDecision, note: string): LocalDecision {
  return { ...local, reason: `${local.reason}; ${note}` };
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
