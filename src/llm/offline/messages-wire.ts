import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type Anthropic from '@anthropic-ai/sdk';
import { estimateTokens } from '../token-estimate.js';

export interface MessageDraft {
  model: string;
  content: Anthropic.ContentBlock[];
  stopReason: Anthropic.StopReason;
  inputTokens: number;
  /** Defaults to an estimate from the content. */
  outputTokens?: number;
  /** Defaults to a random `msg_` id. */
  id?: string;
}

export interface WireError {
  status: number;
  /** Defaults to the type the real API uses for `status`. */
  type?: string;
  message?: string;
  retryAfterSeconds?: number;
}

export interface LastUserTurn {
  text: string;
  /** Concatenated text of the turn's tool_result blocks; undefined when it has none. */
  toolResultText?: string;
}

export interface LocalServer {
  url: string;
  close(): Promise<void>;
}

const TEXT_CHUNKS = 3;

const ERRORS_BY_STATUS: Record<number, { type: string; message: string }> = {
  400: { type: 'invalid_request_error', message: 'Invalid request' },
  401: { type: 'authentication_error', message: 'invalid x-api-key' },
  403: { type: 'permission_error', message: 'Permission denied' },
  404: { type: 'not_found_error', message: 'Not found' },
  413: { type: 'request_too_large', message: 'Request exceeds the maximum allowed size' },
  429: { type: 'rate_limit_error', message: 'Rate limit exceeded' },
  500: { type: 'api_error', message: 'Internal server error' },
  529: { type: 'overloaded_error', message: 'Overloaded' },
};

function randomId(prefix: string): string {
  return `${prefix}${randomBytes(12).toString('hex')}`;
}

export function textBlock(text: string): Anthropic.TextBlock {
  return { type: 'text', text, citations: null };
}

export function toolUseBlock(name: string, input: unknown, id?: string): Anthropic.ToolUseBlock {
  return {
    type: 'tool_use',
    id: id ?? randomId('toolu_'),
    name,
    input,
    caller: { type: 'direct' },
  };
}

export function buildMessage(draft: MessageDraft): Anthropic.Message {
  return {
    id: draft.id ?? randomId('msg_'),
    type: 'message',
    role: 'assistant',
    model: draft.model,
    content: draft.content,
    stop_reason: draft.stopReason,
    stop_sequence: null,
    stop_details: null,
    container: null,
    diagnostics: null,
    usage: buildUsage(draft.inputTokens, draft.outputTokens ?? estimateOutputTokens(draft.content)),
  };
}

function buildUsage(inputTokens: number, outputTokens: number): Anthropic.Usage {
  return {
    input_tokens: inputTokens,
    output_tokens: outputTokens,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
    cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 },
    inference_geo: null,
    output_tokens_details: null,
    server_tool_use: null,
    service_tier: 'standard',
    speed: null,
  };
}

function estimateOutputTokens(content: Anthropic.ContentBlock[]): number {
  const chars = content.map((block) =>
    block.type === 'text' ? block.text : JSON.stringify(block),
  );
  return estimateTokens(chars.join(''));
}

export function estimateInputTokens(request: Anthropic.MessageCreateParams): number {
  return estimateTokens(JSON.stringify([request.system ?? '', request.messages]));
}

/** Minimal shape check: enough for the local servers to answer, not full API validation. */
export function asMessagesRequest(body: unknown): Anthropic.MessageCreateParams | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const { model, messages } = body as Record<string, unknown>;
  if (typeof model !== 'string' || !Array.isArray(messages)) return undefined;
  return body as Anthropic.MessageCreateParams;
}

export function forcedToolName(request: Anthropic.MessageCreateParams): string | undefined {
  return request.tool_choice?.type === 'tool' ? request.tool_choice.name : undefined;
}

export function readLastUserTurn(messages: Anthropic.MessageParam[]): LastUserTurn {
  const last = messages.findLast((message) => message.role === 'user');
  if (!last) return { text: '' };
  if (typeof last.content === 'string') return { text: last.content };
  const texts = last.content.flatMap((block) => (block.type === 'text' ? [block.text] : []));
  const toolResults = last.content.filter((block) => block.type === 'tool_result');
  return {
    text: texts.join('\n'),
    toolResultText: toolResults.length ? toolResults.map(toolResultContent).join('\n') : undefined,
  };
}

function toolResultContent(block: Anthropic.ToolResultBlockParam): string {
  if (typeof block.content === 'string') return block.content;
  return (block.content ?? [])
    .flatMap((part) => (part.type === 'text' ? [part.text] : []))
    .join('');
}

export function isMessagesEndpoint(req: IncomingMessage): boolean {
  const { pathname } = new URL(req.url ?? '/', 'http://localhost');
  return req.method === 'POST' && pathname === '/v1/messages';
}

export async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

export function writeMessage(
  res: ServerResponse,
  message: Anthropic.Message,
  stream: boolean,
): void {
  if (stream) writeMessageSse(res, message);
  else writeMessageJson(res, message);
}

function writeMessageJson(res: ServerResponse, message: Anthropic.Message): void {
  writeJson(res, 200, message, { 'request-id': randomId('req_') });
}

export function writeError(res: ServerResponse, error: WireError): void {
  const known = ERRORS_BY_STATUS[error.status];
  const type =
    error.type ?? known?.type ?? (error.status >= 500 ? 'api_error' : 'invalid_request_error');
  const requestId = randomId('req_');
  const body = {
    type: 'error',
    error: { type, message: error.message ?? known?.message ?? type },
    request_id: requestId,
  };
  const headers: Record<string, string> = { 'request-id': requestId };
  if (error.retryAfterSeconds !== undefined) {
    headers['retry-after'] = String(error.retryAfterSeconds);
  }
  writeJson(res, error.status, body, headers);
}

function writeJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string>,
): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(payload),
  });
  res.end(payload);
}

function writeMessageSse(res: ServerResponse, message: Anthropic.Message): void {
  openSse(res);
  for (const [name, data] of sseEventsOf(message)) writeSseEvent(res, name, data);
  res.end();
}

/** The status line and headers of a streamed Messages API response. */
export function openSse(res: ServerResponse): void {
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    'request-id': randomId('req_'),
  });
}

export function writeSseEvent(res: ServerResponse, name: string, data: unknown): void {
  res.write(`event: ${name}\ndata: ${JSON.stringify(data)}\n\n`);
}

/** The SSE events (name, data) the real API sends for `message`, with a ping after the first. */
export function sseEventsOf(message: Anthropic.Message): Array<[string, unknown]> {
  const [start, ...rest] = streamEvents(message);
  return [
    [start.type, start],
    ['ping', { type: 'ping' }],
    ...rest.map((event): [string, unknown] => [event.type, event]),
  ];
}

/** The events the real API emits for `message`, in order (without the interleaved ping). */
function streamEvents(message: Anthropic.Message): Anthropic.RawMessageStreamEvent[] {
  return [
    {
      type: 'message_start',
      message: {
        ...message,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        stop_details: null,
        usage: { ...message.usage, output_tokens: 1 },
      },
    },
    ...message.content.flatMap(blockEvents),
    {
      type: 'message_delta',
      delta: {
        stop_reason: message.stop_reason,
        stop_sequence: message.stop_sequence,
        stop_details: message.stop_details,
        container: message.container,
      },
      usage: {
        input_tokens: message.usage.input_tokens,
        cache_creation_input_tokens: message.usage.cache_creation_input_tokens,
        cache_read_input_tokens: message.usage.cache_read_input_tokens,
        output_tokens: message.usage.output_tokens,
        output_tokens_details: message.usage.output_tokens_details,
        server_tool_use: message.usage.server_tool_use,
      },
    },
    { type: 'message_stop' },
  ];
}

function blockEvents(
  block: Anthropic.ContentBlock,
  index: number,
): Anthropic.RawMessageStreamEvent[] {
  const [shell, deltas] = splitBlock(block);
  return [
    { type: 'content_block_start', index, content_block: shell },
    ...deltas.map(
      (delta): Anthropic.RawMessageStreamEvent => ({
        type: 'content_block_delta',
        index,
        delta,
      }),
    ),
    { type: 'content_block_stop', index },
  ];
}

/** Splits a block into the empty shell sent by content_block_start and the deltas that fill it. */
function splitBlock(
  block: Anthropic.ContentBlock,
): [Anthropic.ContentBlock, Anthropic.RawContentBlockDelta[]] {
  switch (block.type) {
    case 'text':
      return [
        { ...block, text: '' },
        chunk(block.text).map((text) => ({ type: 'text_delta', text })),
      ];
    case 'tool_use':
      return [
        { ...block, input: {} },
        chunk(JSON.stringify(block.input ?? {})).map((partial_json) => ({
          type: 'input_json_delta',
          partial_json,
        })),
      ];
    default:
      return [block, []];
  }
}

/** Splits on code points so no chunk ends inside a surrogate pair. */
function chunk(text: string): string[] {
  const codePoints = Array.from(text);
  const size = Math.ceil(codePoints.length / TEXT_CHUNKS);
  const chunks: string[] = [];
  for (let start = 0; start < codePoints.length; start += size) {
    chunks.push(codePoints.slice(start, start + size).join(''));
  }
  return chunks;
}

type WireHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

export async function listenOnLoopback(handler: WireHandler): Promise<LocalServer> {
  const server = createServer((req, res) => {
    handler(req, res).catch((error: unknown) => failRequest(res, error));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/** Last resort for a handler bug: answer like the API's internal error instead of crashing. */
function failRequest(res: ServerResponse, error: unknown): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  writeError(res, { status: 500, message: error instanceof Error ? error.message : String(error) });
}
