import { afterEach, describe, expect, it } from '@jest/globals';
import { createServer, Server, ServerResponse } from 'node:http';
import { AddressInfo, connect, Socket } from 'node:net';
import { SseStream } from './sse-stream.js';

/** A server whose one response is an SseStream, and a raw client socket that reads only when told. */
async function open(
  heartbeatMs: number,
  stalledReaderMs: number,
): Promise<{ server: Server; client: Socket; res: ServerResponse; sse: SseStream }> {
  let accepted!: (value: { res: ServerResponse; sse: SseStream }) => void;
  const ready = new Promise<{ res: ServerResponse; sse: SseStream }>((resolve) => {
    accepted = resolve;
  });
  const server = createServer((_req, res) => {
    accepted({ res, sse: new SseStream(res, { heartbeatMs, stalledReaderMs }) });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const client = connect((server.address() as AddressInfo).port, '127.0.0.1');
  client.write('GET / HTTP/1.1\r\nHost: test\r\n\r\n');
  return { server, client, ...(await ready) };
}

describe('SseStream', () => {
  let server: Server | undefined;

  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
  });

  it('sends the event-stream headers with the first event, then a keep-alive comment when idle', async () => {
    const opened = await open(30, 10_000);
    server = opened.server;
    let received = '';
    opened.client.on('data', (chunk: Buffer) => (received += chunk.toString()));

    expect(opened.sse.started).toBe(false);
    await opened.sse.send({ event: 'start', data: JSON.stringify({ route: 'direct_llm' }) });
    expect(opened.sse.started).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 150));
    opened.sse.end();

    expect(received).toMatch(/^HTTP\/1\.1 200 OK/);
    expect(received).toMatch(/content-type: text\/event-stream/i);
    expect(received).toMatch(/cache-control: no-cache/i);
    expect(received).toMatch(/x-accel-buffering: no/i);
    expect(received).toContain('event: start\ndata: {"route":"direct_llm"}\n\n');
    expect(received).toContain(': keep-alive\n\n');
  });

  it('makes the producer wait while the reader is slow, and closes a reader that stalls', async () => {
    const opened = await open(10_000, 300);
    server = opened.server;
    opened.client.pause();
    const big = 'x'.repeat(64 * 1024);
    let waited = false;
    for (let i = 0; i < 1000 && !waited; i++) {
      const sent = opened.sse.send({ event: 'delta', data: JSON.stringify({ text: big }) });
      const settled = await Promise.race([
        sent.then(() => true),
        new Promise((resolve) => setTimeout(() => resolve(false), 50)),
      ]);
      if (!settled) {
        waited = true;
        await sent;
      }
    }

    expect(waited).toBe(true);
    expect(opened.res.destroyed).toBe(true);
    await opened.sse.send({ event: 'delta', data: '"dropped"' });
  });
});
