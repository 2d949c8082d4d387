import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';
import { JsonRpcLineReader, LineLimits, OversizeMessage } from './json-rpc-line-reader.js';

const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const LINE_END = Buffer.from('\n');
const DATA_FIELD = Buffer.from('data:');
const EVENT_FIELD = Buffer.from('event:');
/** The most of an error response's body kept: the SDK puts it in the error it raises. */
const ERROR_BODY_BYTES = 64 * 1024;

export interface BodyBounds {
  limits: LineLimits;
  /** Told when a message was too large to hold, and how it was answered. */
  onOversize: (report: OversizeMessage) => void;
  /** A body went on past `limits.maxLineBytes` without ending its message: the server is broken. */
  onEndless: () => void;
}

/**
 * The fetch a remote MCP transport reads through, with the same bounds as a stdio server's messages:
 * the SDK reads a JSON body with `response.json()` and an SSE event whole, so one huge tool result
 * would sit in memory as often as it is asked for. Here every message, a JSON body or one event of an
 * event stream, goes through a JsonRpcLineReader: a long one is cut to its beginning (a tool result,
 * saying so) or answered with an error, and never held whole; a body that goes on past
 * `maxLineBytes` without ending its message is cancelled. An error response keeps its first 64 KiB.
 */
export function boundedFetch(bounds: BodyBounds): FetchLike {
  return async (url, init) => {
    const response = await fetch(url, init);
    if (!response.body) return response;
    const type = (response.headers.get('content-type') ?? '').split(';')[0].trim().toLowerCase();
    const transform = !response.ok
      ? firstBytes(ERROR_BODY_BYTES)
      : type === 'text/event-stream'
        ? eventStreamBounds(bounds)
        : type === 'application/json'
          ? jsonBodyBounds(bounds)
          : undefined;
    if (!transform) return response;
    const headers = new Headers(response.headers);
    headers.delete('content-length');
    headers.delete('content-encoding');
    return new Response(response.body.pipeThrough(transform), {
      status: response.status,
      statusText: response.statusText,
      headers,
    });
  };
}

function firstBytes(limit: number): TransformStream<Uint8Array, Uint8Array> {
  let sent = 0;
  return new TransformStream({
    transform(chunk, controller) {
      controller.enqueue(chunk.subarray(0, limit - sent));
      sent += chunk.length;
      if (sent >= limit) controller.terminate();
    },
  });
}

/**
 * A reader of one message at a time whose answers go to `emit`; a message that never ends errors
 * the stream (which cancels the body) and tells the owner.
 */
function messageReader(
  { limits, onOversize, onEndless }: BodyBounds,
  emit: (message: string | undefined) => void,
  fail: (error: Error) => void,
): JsonRpcLineReader {
  return new JsonRpcLineReader(limits, {
    message: (message) => emit(JSON.stringify(message)),
    error: () => emit(undefined),
    oversize: onOversize,
    endless: (bytes) => {
      onOversize({ bytes, answered: 'connection closed' });
      fail(new Error(`The server's message passed ${bytes} bytes; the body was not read further`));
      onEndless();
    },
  });
}

/**
 * One JSON-RPC message as the whole body. Line breaks outside strings are only whitespace in JSON
 * (inside strings they are escaped), so they become spaces and the body reads as one line.
 */
function jsonBodyBounds(bounds: BodyBounds): TransformStream<Uint8Array, Uint8Array> {
  let out!: TransformStreamDefaultController<Uint8Array>;
  let failed = false;
  let empty = true;
  const reader = messageReader(
    bounds,
    (message) =>
      message === undefined
        ? out.error(new Error('The server sent no JSON-RPC message'))
        : out.enqueue(Buffer.from(message)),
    (error) => {
      failed = true;
      out.error(error);
    },
  );
  return new TransformStream({
    start(controller) {
      out = controller;
    },
    transform(chunk) {
      if (failed) return;
      empty &&= chunk.length === 0;
      reader.push(asOneLine(chunk));
    },
    flush() {
      if (!empty && !failed) reader.push(LINE_END);
    },
  });
}

function asOneLine(chunk: Uint8Array): Buffer {
  const copy = Buffer.from(chunk);
  for (let i = 0; i < copy.length; i++) {
    if (copy[i] === LF || copy[i] === CR) copy[i] = SPACE;
  }
  return copy;
}

/**
 * An event stream, read event by event (lines end in LF, CRLF or CR). An event's data lines go
 * through the reader as one message (joined by spaces: JSON reads a line break between tokens as
 * whitespace). At the event's end it is written out again: its other fields as they came, then
 * `data: <message>` for a `message` event (or one of no type), or the data as it came for another
 * type (the legacy transport's `endpoint` carries a URL), or an empty `data:` when there is no message
 * to give (the event still dispatches: a priming event carries only its `id`). Every line is counted:
 * one that goes on past `maxLineBytes` ends the stream, and a field line is kept only up to
 * `maxMessageBytes`.
 */
function eventStreamBounds(bounds: BodyBounds): TransformStream<Uint8Array, Uint8Array> {
  const { maxMessageBytes, maxLineBytes } = bounds.limits;
  let out!: TransformStreamDefaultController<Uint8Array>;
  let failed = false;
  let message: string | undefined;
  const reader = messageReader(
    bounds,
    (answer) => (message = answer),
    (error) => {
      failed = true;
      out.error(error);
    },
  );

  /** The event being read: its field lines, its data as it came (up to maxMessageBytes), its type. */
  let fields: Buffer[] = [];
  let rawData: Buffer[] = [];
  let rawDataBytes = 0;
  let dataLines = 0;
  let type: string | undefined;
  /** The line being read: its first bytes (enough to know its field), its length, its kept bytes. */
  let line: Buffer[] = [];
  let lineBytes = 0;
  let lineKind: 'data' | 'field' | undefined;
  let afterCr = false;

  const beginKind = (): void => {
    const head = Buffer.concat(line);
    lineKind = head.subarray(0, DATA_FIELD.length).equals(DATA_FIELD) ? 'data' : 'field';
    line = [];
    if (lineKind === 'data') {
      const value = head.subarray(DATA_FIELD.length + (head[DATA_FIELD.length] === SPACE ? 1 : 0));
      if (dataLines++ > 0) {
        reader.push(Buffer.from(' '));
        keepData(Buffer.from('\n'));
      }
      reader.push(value);
      keepData(value);
    } else {
      line = [head];
    }
  };
  const keepData = (part: Buffer): void => {
    if (rawDataBytes + part.length <= maxMessageBytes) rawData.push(Buffer.from(part));
    rawDataBytes += part.length;
  };
  const append = (part: Buffer): void => {
    lineBytes += part.length;
    if (lineBytes > maxLineBytes) {
      bounds.onOversize({ bytes: lineBytes, answered: 'connection closed' });
      failed = true;
      out.error(new Error(`A line passed ${maxLineBytes} bytes; the stream was not read further`));
      bounds.onEndless();
      return;
    }
    if (lineKind === undefined) {
      line.push(Buffer.from(part));
      if (lineBytes > DATA_FIELD.length) beginKind();
    } else if (lineKind === 'data') {
      reader.push(part);
      keepData(part);
    } else if (lineBytes <= maxMessageBytes) {
      line.push(Buffer.from(part));
    }
  };
  const endLine = (): void => {
    if (lineKind === undefined && lineBytes > 0) beginKind();
    if (lineKind === undefined) endEvent();
    else if (lineKind === 'field' && lineBytes <= maxMessageBytes) {
      const field = Buffer.concat(line);
      fields.push(field);
      if (field.subarray(0, EVENT_FIELD.length).equals(EVENT_FIELD)) {
        type = field.subarray(EVENT_FIELD.length).toString('utf8').trim();
      }
    }
    line = [];
    lineBytes = 0;
    lineKind = undefined;
  };
  const endEvent = (): void => {
    for (const field of fields) out.enqueue(Buffer.concat([field, LINE_END]));
    if (dataLines > 0) out.enqueue(Buffer.from(`data: ${dataOfEvent()}\n`));
    out.enqueue(LINE_END);
    fields = [];
    rawData = [];
    rawDataBytes = 0;
    dataLines = 0;
    type = undefined;
    message = undefined;
  };
  const dataOfEvent = (): string => {
    if (type === undefined || type === 'message') {
      reader.push(LINE_END);
      return message ?? '';
    }
    // Not a message, so the reader's line is dropped; the data goes as it came if it was kept.
    reader.clear();
    return rawDataBytes <= maxMessageBytes ? Buffer.concat(rawData).toString('utf8') : '';
  };

  return new TransformStream({
    start(controller) {
      out = controller;
    },
    transform(chunk) {
      const bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      let start = 0;
      if (afterCr && bytes[0] === LF) start = 1;
      afterCr = false;
      let nextLf = -1;
      let nextCr = -1;
      while (start < bytes.length && !failed) {
        if (nextLf !== -2 && nextLf < start) nextLf = bytes.indexOf(LF, start);
        if (nextCr !== -2 && nextCr < start) nextCr = bytes.indexOf(CR, start);
        // -2: none left in this chunk, so no need to look again.
        if (nextLf === -1) nextLf = -2;
        if (nextCr === -1) nextCr = -2;
        const ends = [nextLf, nextCr].filter((at) => at >= 0);
        const end = ends.length > 0 ? Math.min(...ends) : bytes.length;
        append(bytes.subarray(start, end));
        if (end === bytes.length || failed) return;
        endLine();
        const crlf = bytes[end] === CR && bytes[end + 1] === LF;
        afterCr = bytes[end] === CR && end + 1 === bytes.length;
        start = end + (crlf ? 2 : 1);
      }
    },
  });
}
