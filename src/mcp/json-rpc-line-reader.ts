import {
  CallToolResultSchema,
  ErrorCode,
  JSONRPCMessage,
  JSONRPCMessageSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { closeCutJson, TopLevelScanner } from './cut-json.js';
import { formatBytes } from './tool-output.js';

/**
 * Newline-delimited JSON-RPC from a stdio server, read within a memory bound. The SDK's own reader
 * holds a whole line and, past 10 MiB, throws and closes the transport: one large file read ended
 * the server for every user. Here a line longer than `maxMessageBytes` is never held: its first
 * `keptBytes` are kept and the rest only scanned for the message id, and the caller is answered
 * in its place, with the beginning of a tool result (cut, and saying so) or with an error. A line
 * that goes on past `maxLineBytes` is no message at all: the reader gives up on the stream.
 */

export interface LineLimits {
  /** The longest message read whole. */
  maxMessageBytes: number;
  /** How much of a longer message is kept to answer with. */
  keptBytes: number;
  /** The longest line read at all; past it, nothing more is read from the stream. */
  maxLineBytes: number;
}

export interface OversizeMessage {
  bytes: number;
  /**
   * What went to the waiting request: the result's beginning, an error, or nothing (no id); or,
   * for a line that did not end within `maxLineBytes`, nothing and the connection was closed.
   */
  answered: 'cut result' | 'error' | 'nothing' | 'connection closed';
}

export interface LineReaderSink {
  message(message: JSONRPCMessage): void;
  /** A line that is not a JSON-RPC message; the stream goes on. */
  error(error: Error): void;
  oversize(report: OversizeMessage): void;
  /** A line went past `maxLineBytes`: the reader ignores the stream from here on (until clear()). */
  endless(bytes: number): void;
}

const NEWLINE = 0x0a;

export class JsonRpcLineReader {
  private parts: Buffer[] = [];
  private bytes = 0;
  private oversize?: { head: Buffer[]; kept: number; scanner: TopLevelScanner };
  private gaveUp = false;

  constructor(
    private readonly limits: LineLimits,
    private readonly sink: LineReaderSink,
  ) {}

  /** True when a line has begun and not yet ended. */
  get midLine(): boolean {
    return this.bytes > 0;
  }

  push(chunk: Buffer): void {
    let start = 0;
    while (!this.gaveUp) {
      const newline = chunk.indexOf(NEWLINE, start);
      this.append(chunk.subarray(start, newline === -1 ? chunk.length : newline));
      if (newline === -1 || this.gaveUp) return;
      this.endLine();
      start = newline + 1;
    }
  }

  /** Forgets a partial line and reads afresh (the process has gone). */
  clear(): void {
    this.forgetLine();
    this.gaveUp = false;
  }

  private append(part: Buffer): void {
    if (part.length === 0) return;
    this.bytes += part.length;
    if (this.bytes > this.limits.maxLineBytes) return this.giveUp();
    if (this.oversize) return this.appendOversize(part);
    this.parts.push(part);
    if (this.bytes <= this.limits.maxMessageBytes) return;
    // Too long to hold: from here on keep only the head, and scan what has been held so far.
    this.oversize = { head: [], kept: 0, scanner: new TopLevelScanner() };
    const held = this.parts;
    this.parts = [];
    for (const piece of held) this.appendOversize(piece);
  }

  private appendOversize(part: Buffer): void {
    const oversize = this.oversize;
    if (!oversize) return;
    oversize.scanner.push(part);
    const room = this.limits.keptBytes - oversize.kept;
    if (room > 0) {
      const kept = Buffer.from(part.subarray(0, room));
      oversize.head.push(kept);
      oversize.kept += kept.length;
    }
  }

  private forgetLine(): void {
    this.parts = [];
    this.bytes = 0;
    this.oversize = undefined;
  }

  private giveUp(): void {
    const { bytes } = this;
    this.forgetLine();
    this.gaveUp = true;
    this.sink.endless(bytes);
  }

  private endLine(): void {
    const { oversize, bytes } = this;
    const line = oversize ? undefined : Buffer.concat(this.parts);
    this.forgetLine();
    if (oversize) return this.answerOversize(Buffer.concat(oversize.head), oversize.scanner, bytes);
    const text = line?.toString('utf8').replace(/\r$/, '') ?? '';
    if (text.trim() === '') return;
    try {
      this.sink.message(JSONRPCMessageSchema.parse(JSON.parse(text)));
    } catch (error) {
      this.sink.error(error instanceof Error ? error : new Error(String(error)));
    }
  }

  private answerOversize(head: Buffer, scanner: TopLevelScanner, bytes: number): void {
    const id = parseId(scanner.id);
    if (id === undefined || !(scanner.hasResult || scanner.hasError)) {
      // A request or notification from the server (or no id to answer): nothing waits on it.
      this.sink.oversize({ bytes, answered: 'nothing' });
      return;
    }
    const limit = this.limits.maxMessageBytes;
    const result = scanner.hasResult ? cutToolResult(head, bytes, limit) : undefined;
    this.sink.oversize({ bytes, answered: result ? 'cut result' : 'error' });
    this.sink.message(
      result
        ? { jsonrpc: '2.0', id, result }
        : {
            jsonrpc: '2.0',
            id,
            error: {
              code: ErrorCode.InternalError,
              message:
                `The server's answer was ${formatBytes(bytes)}, more than the ` +
                `${formatBytes(limit)} one message may hold, and was discarded`,
            },
          },
    );
  }
}

/** The tool result at the start of a cut response, with a first block saying it was cut. */
function cutToolResult(
  head: Buffer,
  bytes: number,
  limit: number,
): Record<string, unknown> | undefined {
  const json = closeCutJson(head);
  if (json === undefined) return undefined;
  let result: unknown;
  try {
    result = (JSON.parse(json) as { result?: unknown }).result;
  } catch {
    return undefined;
  }
  const isToolResult = Array.isArray((result as { content?: unknown } | undefined)?.content);
  const parsed = CallToolResultSchema.safeParse(result);
  if (!isToolResult || !parsed.success) return undefined;
  const note =
    `[Only the beginning of this result is shown: the server sent ${formatBytes(bytes)}, more ` +
    `than the ${formatBytes(limit)} one tool result may hold.]`;
  return {
    content: [{ type: 'text', text: note }, ...parsed.data.content],
    ...(parsed.data.isError && { isError: true }),
  };
}

function parseId(raw: string | undefined): string | number | undefined {
  if (raw === undefined) return undefined;
  try {
    const id: unknown = JSON.parse(raw);
    return typeof id === 'string' || typeof id === 'number' ? id : undefined;
  } catch {
    return undefined;
  }
}
