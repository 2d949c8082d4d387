import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';
import { JsonRpcLineReader, LineLimits, OversizeMessage } from './json-rpc-line-reader.js';

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;
const SPACE = 0x20;
const LINE_END = Buffer.from('\n');
const CR_ONLY = Buffer.from('\r');
const DATA_FIELD = Buffer.from('data:');
const EVENT_FIELD = Buffer.from('event:');
/** Event types are short words; a longer `event:` line is passed on, not read. */
const MAX_EVENT_LINE_CHARS = 256;
/** Enough of a line to tell a `data:` field (with its optional space) from any other. */
const FIELD_HEAD_BYTES = DATA_FIELD.length + 1;

/**
 * The fetch a remote MCP transport reads through, with the same bound as a stdio server's messages:
 * the SDK reads a JSON body with `response.json()` and an SSE event whole, so one huge tool result
 * would sit in memory as often as it is asked for. Here every message, a JSON body or one `data:` line
 * of an event stream, goes through a JsonRpcLineReader: a long one is cut to its beginning (a tool
 * result, saying so) or answered with an error, and never held whole. Other bodies pass as they are.
 */
export function boundedFetch(
  limits: LineLimits,
  onOversize: (report: OversizeMessage) => void,
): FetchLike {
  return async (url, init) => {
    const response = await fetch(url, init);
    const type = response.headers.get('content-type') ?? '';
    if (!response.ok || !response.body) return response;
    const bounds = /^text\/event-stream/i.test(type)
      ? eventStreamBounds(limits, onOversize)
      : /^application\/json/i.test(type)
        ? jsonBodyBounds(limits, onOversize)
        : undefined;
    if (!bounds) return response;
    return new Response(response.body.pipeThrough(bounds), {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  };
}

/**
 * One JSON-RPC message as the whole body. Line breaks outside strings are only whitespace in JSON
 * (inside strings they are escaped), so they become spaces and the body reads as one line.
 */
function jsonBodyBounds(
  limits: LineLimits,
  onOversize: (report: OversizeMessage) => void,
): TransformStream<Uint8Array, Uint8Array> {
  let answer: string | undefined;
  let failure: Error | undefined;
  let empty = true;
  const reader = new JsonRpcLineReader(limits, {
    message: (message) => (answer = JSON.stringify(message)),
    error: (error) => (failure = error),
    oversize: onOversize,
    endless: (bytes) => {
      failure = new Error(`The server's answer passed ${bytes} bytes and was not read further`);
      onOversize({ bytes, answered: 'connection closed' });
    },
  });
  return new TransformStream({
    transform(chunk) {
      empty &&= chunk.length === 0;
      reader.push(asOneLine(chunk));
    },
    flush(controller) {
      if (empty) return;
      reader.push(LINE_END);
      if (answer !== undefined) controller.enqueue(Buffer.from(answer));
      else controller.error(failure ?? new Error('The server sent no JSON-RPC message'));
    },
  });
}

function asOneLine(chunk: Uint8Array): Buffer {
  const copy = Buffer.from(chunk);
  for (let i = 0; i < copy.length; i++) {
    if (copy[i] === NEWLINE || copy[i] === CARRIAGE_RETURN) copy[i] = SPACE;
  }
  return copy;
}

/**
 * An event stream whose `data:` lines are each a message (how MCP servers write them): the data lines
 * of `message` events (or events of no type) go through the reader and come out as `data: <message>`;
 * every other line passes as it is (the legacy transport's `endpoint` event carries a URL). A data
 * line that is no JSON-RPC message is dropped (the SDK would only report it); so would a message
 * split over several data lines, which MCP servers do not send.
 */
function eventStreamBounds(
  limits: LineLimits,
  onOversize: (report: OversizeMessage) => void,
): TransformStream<Uint8Array, Uint8Array> {
  let out: TransformStreamDefaultController<Uint8Array> | undefined;
  const reader = new JsonRpcLineReader(limits, {
    message: (message) => out?.enqueue(Buffer.from(`data: ${JSON.stringify(message)}\n`)),
    error: () => undefined,
    oversize: onOversize,
    endless: (bytes) => {
      onOversize({ bytes, answered: 'connection closed' });
      out?.error(new Error(`An event passed ${bytes} bytes; the stream was not read further`));
    },
  });
  /** The current line's kind once known; until then its first bytes wait in `head`. */
  let kind: 'message data' | 'event' | 'other' | undefined;
  let head = Buffer.alloc(0);
  /** The `event:` line of the current event, as far as it was kept. */
  let eventLine = '';
  let eventType: string | undefined;
  return new TransformStream({
    transform(chunk, controller) {
      out = controller;
      const bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      let start = 0;
      while (start < bytes.length) {
        const newline = bytes.indexOf(NEWLINE, start);
        let part = bytes.subarray(start, newline === -1 ? bytes.length : newline);
        if (kind === undefined) {
          head = Buffer.concat([head, part]);
          if (newline === -1 && head.length < FIELD_HEAD_BYTES) return;
          if (newline !== -1 && (head.length === 0 || head.equals(CR_ONLY))) eventType = undefined;
          kind = lineKind(head, eventType);
          part = kind === 'message data' ? head.subarray(dataStart(head)) : head;
          head = Buffer.alloc(0);
        }
        if (kind === 'message data') reader.push(part);
        else controller.enqueue(Buffer.from(part));
        if (kind === 'event' && eventLine.length < MAX_EVENT_LINE_CHARS) {
          eventLine += part.toString('utf8');
        }
        if (newline === -1) return;
        if (kind === 'message data') reader.push(LINE_END);
        else controller.enqueue(Buffer.from(LINE_END));
        if (kind === 'event') eventType = eventLine.slice('event:'.length).trim();
        eventLine = '';
        kind = undefined;
        start = newline + 1;
      }
    },
    flush(controller) {
      if (kind !== 'message data' && head.length > 0) controller.enqueue(head);
    },
  });
}

function lineKind(head: Buffer, eventType: string | undefined): 'message data' | 'event' | 'other' {
  if (head.subarray(0, DATA_FIELD.length).equals(DATA_FIELD)) {
    return eventType === undefined || eventType === 'message' ? 'message data' : 'other';
  }
  return head.subarray(0, EVENT_FIELD.length).equals(EVENT_FIELD) ? 'event' : 'other';
}

/** Where a data line's value begins: after `data:` and the one space that may follow. */
function dataStart(line: Buffer): number {
  return DATA_FIELD.length + (line[DATA_FIELD.length] === SPACE ? 1 : 0);
}
