import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type Anthropic from '@anthropic-ai/sdk';
import {
  asMessagesRequest,
  buildMessage,
  estimateInputTokens,
  forcedToolName,
  isMessagesEndpoint,
  listenOnLoopback,
  readJsonBody,
  readLastUserTurn,
  textBlock,
  toolUseBlock,
  writeError,
  writeMessage,
} from './messages-wire.js';
import type { LocalServer } from './messages-wire.js';

interface JsonSchema {
  type?: string | string[];
  const?: unknown;
  enum?: unknown[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  minimum?: number;
}

const MENTION_CHARS = 200;

/**
 * Serves a deterministic stand-in for the Messages API on an ephemeral loopback port, so the
 * service keeps working (visibly labelled) when neither an API key nor a base URL is configured.
 */
export async function startOfflineModelServer(): Promise<LocalServer> {
  return listenOnLoopback(answer);
}

async function answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (!isMessagesEndpoint(req)) {
    writeError(res, { status: 404, message: `Not found: ${req.method} ${req.url}` });
    return;
  }
  const request = asMessagesRequest(await readJsonBody(req).catch(() => undefined));
  if (!request) {
    writeError(res, { status: 400, message: 'Expected a JSON body with model and messages' });
    return;
  }
  writeMessage(res, offlineMessage(request), request.stream === true);
}

function offlineMessage(request: Anthropic.MessageCreateParams): Anthropic.Message {
  const seed = fingerprint(request);
  const toolName = forcedToolName(request) ?? demonstrationTool(request);
  const content = toolName
    ? [toolUseBlock(toolName, sampleToolInput(request, toolName), `toolu_offline_${seed}`)]
    : [textBlock(offlineText(request))];
  return buildMessage({
    id: `msg_offline_${seed}`,
    model: `offline:${request.model}`,
    content,
    stopReason: toolName ? 'tool_use' : 'end_turn',
    inputTokens: estimateInputTokens(request),
  });
}

/**
 * Offered tools (and free to use them) with a fresh user message, the offline model calls the first
 * tool that needs no input, such as the filesystem's list_allowed_directories, so the agent's tool loop
 * can be seen working offline; given the results, it answers with them.
 */
function demonstrationTool(request: Anthropic.MessageCreateParams): string | undefined {
  if (request.tool_choice?.type === 'none') return undefined;
  if (readLastUserTurn(request.messages).toolResultText !== undefined) return undefined;
  const tool = request.tools?.find(
    (candidate): candidate is Anthropic.Tool =>
      'input_schema' in candidate && (candidate.input_schema.required ?? []).length === 0,
  );
  return tool?.name;
}

/** Ignores `stream` so the streamed and JSON answers to one request are identical. */
function fingerprint(request: Anthropic.MessageCreateParams): string {
  const canonical = JSON.stringify({ ...request, stream: undefined });
  return createHash('sha256').update(canonical).digest('hex').slice(0, 24);
}

function offlineText(request: Anthropic.MessageCreateParams): string {
  const turn = readLastUserTurn(request.messages);
  const mention =
    turn.toolResultText === undefined
      ? `You said: "${turn.text.slice(0, MENTION_CHARS)}".`
      : `Tool results: "${turn.toolResultText.slice(0, MENTION_CHARS)}".`;
  return `[offline model] ${mention} Configure ANTHROPIC_API_KEY for real answers.`;
}

function sampleToolInput(request: Anthropic.MessageCreateParams, toolName: string): unknown {
  const tool = request.tools?.find(
    (candidate): candidate is Anthropic.Tool =>
      'input_schema' in candidate && candidate.name === toolName,
  );
  return tool ? sampleValue(tool.input_schema as JsonSchema, toolName) : {};
}

function sampleValue(schema: JsonSchema, name: string): unknown {
  if (schema.const !== undefined) return schema.const;
  if (schema.enum?.length) return schema.enum[0];
  const alternative = schema.anyOf?.[0] ?? schema.oneOf?.[0];
  if (alternative) return sampleValue(alternative, name);
  switch (primaryType(schema)) {
    case 'object':
      return sampleObject(schema);
    case 'array':
      return [];
    case 'string':
      return `offline-${name}`;
    case 'number':
    case 'integer':
      return schema.minimum ?? 0;
    case 'boolean':
      return false;
    default:
      return null;
  }
}

function primaryType(schema: JsonSchema): string | undefined {
  if (Array.isArray(schema.type)) return schema.type.find((type) => type !== 'null') ?? 'null';
  return schema.type ?? (schema.properties ? 'object' : undefined);
}

/** Fills only required properties, which keeps the sample valid against the schema. */
function sampleObject(schema: JsonSchema): Record<string, unknown> {
  const properties = schema.properties ?? {};
  return Object.fromEntries(
    (schema.required ?? []).map((key) => [key, sampleValue(properties[key] ?? {}, key)]),
  );
}
