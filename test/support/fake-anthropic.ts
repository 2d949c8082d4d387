import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
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
} from '../../src/llm/offline/messages-wire.js';
import type { LocalServer } from '../../src/llm/offline/messages-wire.js';

export interface RecordedRequest {
  body: Anthropic.MessageCreateParams;
  headers: IncomingHttpHeaders;
}

export interface FakeTextReply {
  text: string;
  stopReason?: 'end_turn' | 'max_tokens';
  usage?: { input_tokens: number; output_tokens: number };
}

export interface FakeToolUseReply {
  toolUses: Array<{ name: string; input: unknown; id?: string }>;
  /** Sent as a text block before the tool_use blocks. */
  text?: string;
}

export interface FakeErrorReply {
  error: { status: number; type?: string; message?: string; retryAfterSeconds?: number };
}

export interface FakeDelayReply {
  delayMs: number;
  /** Answered after the delay; defaults to what an unscripted request would get. */
  then?: FakeReply;
}

export interface FakeDropReply {
  drop: true;
}

export type FakeReply =
  | FakeTextReply
  | FakeToolUseReply
  | FakeErrorReply
  | FakeDelayReply
  | FakeDropReply;

export type FakeResponder = (req: RecordedRequest) => FakeReply | undefined;

const TOOL_RESULT_CHARS = 200;

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
    const request = { body, headers: req.headers };
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
    } else if ('delayMs' in reply) {
      if (await waitWhileConnected(res, reply.delayMs)) {
        await this.play(reply.then ?? this.unscriptedReply(request), request, res);
      }
    } else if ('error' in reply) {
      writeError(res, reply.error);
    } else {
      writeMessage(res, messageFor(reply, request.body), request.body.stream === true);
    }
  }
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
