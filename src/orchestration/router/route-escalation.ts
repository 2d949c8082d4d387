import { createHash } from 'node:crypto';
import { forcedToolInput, ModelMessage, ModelReply, ModelTool } from '../../llm/model.types.js';
import {
  HistoryTurn,
  LocalDecision,
  Route,
  ROUTES,
  RoutingInput,
} from '../../routing/routing.types.js';
import { routeWithoutTools } from '../../routing/rules.js';

/** What the fast model decided when the local analysis was unsure. */
export interface EscalatedDecision {
  route: Route;
  needsHistory: boolean;
  confidence: number;
  reason: string;
}

export const ROUTE_TOOL: ModelTool = {
  name: 'choose_route',
  description: 'Record how the assistant should answer the latest user message.',
  inputSchema: {
    type: 'object',
    properties: {
      route: {
        type: 'string',
        enum: [...ROUTES],
        description:
          'ultra_fast: small talk or a fact answered in a sentence or two. direct_llm: needs ' +
          'reasoning or writing but nothing outside the conversation. needs_tools: one look-up or ' +
          'action through the tools (read, list, search or write a file). complex: several dependent ' +
          'steps, usually gathering with tools and then producing something (a report, a plan).',
      },
      needs_history: {
        type: 'boolean',
        description: 'True when the message cannot be understood without the earlier conversation.',
      },
      confidence: { type: 'number', minimum: 0, maximum: 1 },
      reason: { type: 'string', description: 'One short sentence.' },
    },
    required: ['route', 'needs_history', 'reason'],
  },
};

export const ROUTER_SYSTEM_PROMPT =
  'You route messages for a chat assistant. Read the recent conversation and the latest message, ' +
  'then call choose_route exactly once.';

/** How much of each earlier message the router model (and the decision cache key) sees. */
export const HISTORY_CHARS = 600;

/** The router model's input: a compact transcript of the recent turns and the message. */
export function escalationMessages(input: RoutingInput, local: LocalDecision): ModelMessage[] {
  const transcript = input.history
    .map((turn) => `${turn.role}: ${turn.content.slice(0, HISTORY_CHARS)}`)
    .join('\n');
  const text = [
    transcript ? `Recent conversation:\n${transcript}\n` : 'No earlier conversation.\n',
    `Tools connected: ${input.toolsAvailable ? 'yes (file system)' : 'none'}.`,
    `Local analysis (unsure): ${local.reason}.`,
    `Latest message:\n${input.message}`,
  ].join('\n');
  return [{ role: 'user', content: text }];
}

/** The forced tool call's input, checked; undefined when the model answered something unusable. */
export function parseEscalation(
  reply: ModelReply,
  toolsAvailable: boolean,
): EscalatedDecision | undefined {
  const input = forcedToolInput(reply, ROUTE_TOOL.name);
  if (!input || !ROUTES.includes(input.route as Route)) return undefined;
  const route = toolsAvailable ? (input.route as Route) : routeWithoutTools(input.route as Route);
  const confidence = typeof input.confidence === 'number' ? input.confidence : 0.8;
  return {
    route,
    needsHistory: input.needs_history === true,
    confidence: Math.min(Math.max(confidence, 0), 1),
    reason: `model: ${typeof input.reason === 'string' ? input.reason : 'no reason given'}`,
  };
}

/** One side of an escalation: what the local analysis or the fast model decided. */
interface EscalationVerdict {
  route: Route;
  needs_history: boolean;
  confidence: number;
}

/**
 * The log record of one escalation (`event: router_escalation`, at info): a candidate training
 * line. `hash` identifies the message (SHA-256 of its normalised text) and `features` describes
 * it by the router's feature names; the text itself (and the recent turns) only with
 * ROUTER_LOG_TEXT=on. scripts/export-escalations.ts turns these lines into dataset lines.
 */
export interface EscalationRecord {
  event: 'router_escalation';
  hash: string;
  features: string[];
  tools_available: boolean;
  local: EscalationVerdict;
  model: EscalationVerdict;
  agreed: boolean;
  text?: string;
  history?: HistoryTurn[];
}

export function escalationRecord(
  input: RoutingInput,
  features: string[],
  local: LocalDecision,
  model: EscalatedDecision,
  logText: boolean,
): EscalationRecord {
  const record: EscalationRecord = {
    event: 'router_escalation',
    hash: messageHash(input.message),
    features,
    tools_available: input.toolsAvailable,
    local: verdict(local),
    model: verdict(model),
    agreed: local.route === model.route,
  };
  if (!logText) return record;
  return {
    ...record,
    text: input.message,
    history: input.history.map(({ role, content, route }) => ({
      role,
      content: content.slice(0, HISTORY_CHARS),
      ...(route ? { route } : {}),
    })),
  };
}

/** SHA-256 of the message as the router compares messages (white space and case folded). */
export function messageHash(message: string): string {
  const normalised = message.replace(/\s+/g, ' ').trim().toLowerCase();
  return createHash('sha256').update(normalised).digest('base64url');
}

function verdict(
  decision: Pick<LocalDecision, 'route' | 'needsHistory' | 'confidence'>,
): EscalationVerdict {
  return {
    route: decision.route,
    needs_history: decision.needsHistory,
    confidence: Math.round(decision.confidence * 1000) / 1000,
  };
}
