import type { AddressInfo } from 'node:net';
import type { TestApp } from './test-app.js';

export interface SseEvent {
  event: string;
  data: unknown;
}

export interface SseResponse {
  status: number;
  headers: Headers;
  /** Events as they arrive; ends with the stream. */
  events: AsyncGenerator<SseEvent>;
  /** The body as JSON, for a response that is not a stream (an error before `start`). */
  json(): Promise<unknown>;
  /** Disconnects, as a browser tab that is closed. */
  abort(): void;
}

/** The app listening on a loopback port, for clients that need a real socket. */
export async function listen(t: TestApp): Promise<string> {
  const server = t.http;
  if (!server.listening) {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  }
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** POSTs a JSON body with fetch and reads the answer as Server-Sent Events, incrementally. */
export async function postSse(
  base: string,
  path: string,
  body: object,
  headers: Record<string, string>,
): Promise<SseResponse> {
  const controller = new AbortController();
  const response = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'text/event-stream', ...headers },
    body: JSON.stringify(body),
    signal: controller.signal,
  });
  return {
    status: response.status,
    headers: response.headers,
    events: parseSse(response.body as ReadableStream<Uint8Array>),
    json: () => response.json(),
    abort: () => controller.abort(),
  };
}

/** Reads events until `done` or `error` (or the end), in order. */
export async function collect(events: AsyncGenerator<SseEvent>): Promise<SseEvent[]> {
  const all: SseEvent[] = [];
  for await (const event of events) {
    all.push(event);
    if (event.event === 'done' || event.event === 'error') break;
  }
  return all;
}

/** The text of all `delta` events, in order. */
export function deltaText(events: SseEvent[]): string {
  return events
    .filter((event) => event.event === 'delta')
    .map((event) => (event.data as { text: string }).text)
    .join('');
}

/**
 * An SSE parser after the HTML spec: lines of `field: value`, comments starting with `:`, an event
 * dispatched at each blank line; `data` is parsed as JSON.
 */
async function* parseSse(body: ReadableStream<Uint8Array>): AsyncGenerator<SseEvent> {
  const decoder = new TextDecoder();
  let buffer = '';
  let event = 'message';
  let data: string[] = [];
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      let newline: number;
      while ((newline = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, newline).replace(/\r$/, '');
        buffer = buffer.slice(newline + 1);
        if (line === '') {
          if (data.length > 0) yield { event, data: JSON.parse(data.join('\n')) as unknown };
          event = 'message';
          data = [];
        } else if (!line.startsWith(':')) {
          const colon = line.indexOf(':');
          const field = colon < 0 ? line : line.slice(0, colon);
          const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
          if (field === 'event') event = value;
          if (field === 'data') data.push(value);
        }
      }
    }
  } finally {
    reader.releaseLock();
  }
}
