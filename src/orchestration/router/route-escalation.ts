import { forcedToolInput, ModelMessage, ModelReply, ModelTool } from '../../llm/model.types.js';
import { LocalDecision, Route, ROUTES, RoutingInput } from '../../routing/routing.types.js';
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
