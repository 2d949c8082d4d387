import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type Anthropic from '@anthropic-ai/sdk';
import {
  asMessagesRequest,
  buildMessage,
  estimateInputTokens,
  forcedToolName,
  isMessagesEndpoint,
  listenOnLoopback,
  openSse,
  readJsonBody,
  readLastUserTurn,
  sseEventsOf,
  textBlock,
  toolUseBlock,
  writeError,
  writeMessage,
  writeSseEvent,
} from '../../src/llm/offline/messages-wire.js';
import type { LocalServer } from '../../src/llm/offline/messages-wire.js';

export interface RecordedRequest {
  body: Anthropic.MessageCreateParams;
  headers: IncomingHttpHeaders;
  /** True once the client closed the connection before the response was complete. */
  aborted: boolean;
}

interface FakeTextReply {
  text: string;
  stopReason?: 'end_turn' | 'max_tokens';
  usage?: { input_tokens: number; output_tokens: number };
  /** A streamed answer waits this long before each SSE event (and stops if the client leaves). */
  eventDelayMs?: number;
  /** A streamed answer fails after this many SSE events: an `error` event, or the socket dropped. */
  failMidStream?: { afterEvents: number; how: 'error-event' | 'drop' };
}

interface FakeToolUseReply {
  toolUses: Array<{ name: string; input: unknown; id?: string }>;
  /** Sent as a text block before the tool_use blocks. */
  text?: string;
}

interface FakeErrorReply {
  error: { status: number; type?: string; message?: string; retryAfterSeconds?: number };
}

interface FakeDelayReply {
  delayMs: number;
  /** Answered after the delay; defaults to what an unscripted request would get. */
  then?: FakeReply;
}

interface FakeDropReply {
  drop: true;
}

/**
 * Status line, headers and half of the body of a text answer (JSON, or SSE on a streamed request),
 * then the socket is dropped: the connection dies after the response has begun.
 */
interface FakeDropMidBodyReply {
  dropMidBody: true;
  /** The text of the answer that is cut; defaults to a fixed sentence. */
  text?: string;
}

/** A 200 `application/json` response whose body is not JSON. */
interface FakeMalformedBodyReply {
  malformedBody: true;
}

export type FakeReply =
  | FakeTextReply
  | FakeToolUseReply
  | FakeErrorReply
  | FakeDelayReply
  | FakeDropReply
  | FakeDropMidBodyReply
  | FakeMalformedBodyReply;

export type FakeResponder = (req: RecordedRequest) => FakeReply | undefined;

const TOOL_RESULT_CHARS = 200;
const CUT_TEXT = 'This answer is cut off half way through by a dropped connection.';

/** A scriptable Messages API on loopback, spoken to through the real SDK via ANTHROPIC_BASE_URL. */
export class FakeAnthropic {
  readonly requests: RecordedRequest[] = [];
  private readonly script: FakeReply[] = [];
  private responder: FakeResponder | undefined;
  private server: LocalServer;

  static async start(): Promise<FakeAnthropic> {
    const fake = new FakeAnthropic();
    fake.server = await listenOnLoopback((req, res) => fake.handle(req, res));
    return fake;
  }

  get url(): string {
    return this.server.url;
  }

  async close(): Promise<void> {
    await this.server.close();
  }

  /** Replies consumed one per request, in order. */
  enqueue(...replies: FakeReply[]): void {
    this.script.push(...replies);
  }

  /** Consulted once the queue is empty; returning undefined falls back to the default reply. */
  respondWith(responder: FakeResponder): void {
    this.responder = responder;
  }

  reset(): void {
    this.requests.length = 0;
    this.script.length = 0;
    this.responder = undefined;
  }

  lastRequest(): RecordedRequest {
    const last = this.requests.at(-1);
    if (!last) throw new Error('FakeAnthropic has not received any request');
    return last;
  }

  requestsFor(model?: string): RecordedRequest[] {
    return this.requests.filter((request) => model === undefined || request.body.model === model);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!isMessagesEndpoint(req)) {
      writeError(res, { status: 404, message: `Not found: ${req.method} ${req.url}` });
      return;
    }
    const body = asMessagesRequest(await readJsonBody(req).catch(() => undefined));
    if (!body) {
      writeError(res, { status: 400, message: 'Expected a JSON body with model and messages' });
      return;
    }
    const request: RecordedRequest = { body, headers: req.headers, aborted: false };
    res.once('close', () => {
      if (!res.writableFinished) request.aborted = true;
    });
    this.requests.push(request);
    await this.play(this.script.shift() ?? this.unscriptedReply(request), request, res);
  }

  private unscriptedReply(request: RecordedRequest): FakeReply {
    return this.responder?.(request) ?? defaultReply(request.body);
  }

  private async play(
    reply: FakeReply,
    request: RecordedRequest,
    res: ServerResponse,
  ): Promise<void> {
    if ('drop' in reply) {
      res.destroy();
    } else if ('dropMidBody' in reply) {
      const message = messageFor({ text: reply.text ?? CUT_TEXT }, request.body);
      sendHalfThenDrop(res, message, request.body.stream === true);
    } else if ('malformedBody' in reply) {
      writeMalformedBody(res);
    } else if ('delayMs' in reply) {
      if (await waitWhileConnected(res, reply.delayMs)) {
        await this.play(reply.then ?? this.unscriptedReply(request), request, res);
      }
    } else if ('error' in reply) {
      writeError(res, reply.error);
    } else if (request.body.stream === true && 'text' in reply && isPaced(reply)) {
      await streamPaced(res, messageFor(reply, request.body), reply);
    } else {
      writeMessage(res, messageFor(reply, request.body), request.body.stream === true);
    }
  }
}

function isPaced(reply: FakeTextReply | FakeToolUseReply): reply is FakeTextReply {
  return 'eventDelayMs' in reply || 'failMidStream' in reply;
}

/** Streams the SSE events one by one, as slowly (or as brokenly) as the reply says. */
async function streamPaced(
  res: ServerResponse,
  message: Anthropic.Message,
  { eventDelayMs = 0, failMidStream }: FakeTextReply,
): Promise<void> {
  openSse(res);
  const events = sseEventsOf(message);
  for (const [sent, [name, data]] of events.entries()) {
    if (failMidStream && sent === failMidStream.afterEvents) {
      if (failMidStream.how === 'drop') {
        res.destroy();
      } else {
        writeSseEvent(res, 'error', {
          type: 'error',
          error: { type: 'overloaded_error', message: 'Overloaded' },
        });
        res.end();
      }
      return;
    }
    if (!(await waitWhileConnected(res, eventDelayMs))) return;
    writeSseEvent(res, name, data);
  }
  res.end();
}

/** Sends the headers and the first half of the body's bytes, then destroys the socket. */
function sendHalfThenDrop(res: ServerResponse, message: Anthropic.Message, stream: boolean): void {
  let body: Buffer;
  if (stream) {
    openSse(res);
    body = Buffer.from(
      sseEventsOf(message)
        .map(([name, data]) => sseText(name, data))
        .join(''),
    );
  } else {
    body = Buffer.from(JSON.stringify(message));
    res.writeHead(200, {
      'content-type': 'application/json',
      'content-length': body.length,
      'request-id': `req_cut_${Date.now()}`,
    });
  }
  res.write(body.subarray(0, Math.floor(body.length / 2)), () => res.destroy());
}

function sseText(name: string, data: unknown): string {
  return `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
}

function writeMalformedBody(res: ServerResponse): void {
  const body = '<html><body>upstream proxy error</body></html>';
  res.writeHead(200, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    'request-id': `req_malformed_${Date.now()}`,
  });
  res.end(body);
}

function defaultReply(body: Anthropic.MessageCreateParams): FakeReply {
  const toolName = forcedToolName(body);
  if (toolName) return { toolUses: [{ name: toolName, input: {} }] };
  const turn = readLastUserTurn(body.messages);
  return turn.toolResultText === undefined
    ? { text: `echo: ${turn.text}` }
    : { text: `done: ${turn.toolResultText.slice(0, TOOL_RESULT_CHARS)}` };
}

function messageFor(
  reply: FakeTextReply | FakeToolUseReply,
  body: Anthropic.MessageCreateParams,
): Anthropic.Message {
  if ('toolUses' in reply) {
    const lead = reply.text ? [textBlock(reply.text)] : [];
    const toolUses = reply.toolUses.map((use) => toolUseBlock(use.name, use.input, use.id));
    return buildMessage({
      model: body.model,
      content: [...lead, ...toolUses],
      stopReason: 'tool_use',
      inputTokens: estimateInputTokens(body),
    });
  }
  return buildMessage({
    model: body.model,
    content: [textBlock(reply.text)],
    stopReason: reply.stopReason ?? 'end_turn',
    inputTokens: reply.usage?.input_tokens ?? estimateInputTokens(body),
    outputTokens: reply.usage?.output_tokens,
  });
}

/** Resolves false as soon as the client goes away, so timeout tests leave no pending reply. */
function waitWhileConnected(res: ServerResponse, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const onClose = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      res.off('close', onClose);
      resolve(true);
    }, ms);
    res.once('close', onClose);
  });
}

/** A message's text, whether its content is a string or blocks (tool results included, as JSON). */
export function contentText(content: Anthropic.MessageParam['content'] | undefined): string {
  if (content === undefined) return '';
  if (typeof content === 'string') return content;
  return content
    .map((block) => (block.type === 'text' ? block.text : JSON.stringify(block)))
    .join('');
}

/** The system prompt a recorded request carried, as text. */
export function systemOf(req: RecordedRequest): string {
  const system = req.body.system;
  return typeof system === 'string' ? system : (system ?? []).map((block) => block.text).join('');
}

/** The tool a recorded request forced (`tool_choice: {type: 'tool'}`), if any. */
export function forcedTool(req: RecordedRequest): string | undefined {
  const choice = req.body.tool_choice;
  return choice?.type === 'tool' ? choice.name : undefined;
}

/** Whether the request's last message hands tool results back (an agent's next round). */
export function hasToolResult(req: RecordedRequest): boolean {
  const last = req.body.messages.at(-1);
  return Array.isArray(last?.content) && last.content.some((block) => block.type === 'tool_result');
}
