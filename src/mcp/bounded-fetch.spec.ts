import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { boundedFetch } from './bounded-fetch.js';
import type { OversizeMessage } from './json-rpc-line-reader.js';

const LIMITS = { maxMessageBytes: 1000, keptBytes: 300, maxLineBytes: 50_000 };
const CHUNK_BYTES = 7;

/**
 * What the server at /<name> answers: a content type, a status and a body sent in small chunks, or,
 * with `endless`, that body repeated until the client stops reading (how many bytes went is kept).
 */
const BODIES: Record<string, { type: string; status?: number; body: string; endless?: boolean }> =
  {};
const sentBytes: Record<string, number> = {};

const message = (value: object) => JSON.stringify({ jsonrpc: '2.0', ...value });
const toolResult = (id: number, text: string) =>
  message({ id, result: { content: [{ type: 'text', text }] } });

describe('boundedFetch', () => {
  let server: Server;
  let base: string;
  const reports: OversizeMessage[] = [];
  let endless = 0;
  const bounded = boundedFetch({
    limits: LIMITS,
    onOversize: (report) => reports.push(report),
    onEndless: () => endless++,
  });
  const get = (name: string) => bounded(`${base}/${name}`);

  beforeAll(async () => {
    server = createServer((req, res) => {
      const name = req.url!.slice(1);
      const { type, status = 200, body, endless: forever } = BODIES[name];
      res.writeHead(status, { 'content-type': type });
      const bytes = Buffer.from(body);
      sentBytes[name] = 0;
      const write = (at: number): void => {
        if (res.destroyed) return;
        if (at >= bytes.length && !forever) return void res.end();
        const chunk = forever ? bytes : bytes.subarray(at, at + CHUNK_BYTES);
        sentBytes[name] += chunk.length;
        res.write(chunk, () => write(at + CHUNK_BYTES));
      };
      write(0);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it('writes an event stream out again event by event, whatever the chunks and line endings', async () => {
    const small = message({ id: 1, result: { content: [] } });
    const listChanged = message({ method: 'notifications/tools/list_changed' });
    BODIES.sse = {
      type: 'text/event-stream; charset=utf-8',
      body:
        `: a comment\r\nid: 7\r\nevent: message\r\ndata: ${small}\r\n\r\n` +
        // A priming event: only an id, and empty data.
        `id: 8\rretry: 100\rdata: \r\r` +
        // The data before the type; a message over two data lines.
        `data: /messages?sessionId=abc\nevent: endpoint\n\n` +
        `data:${listChanged.slice(0, 10)}\ndata:${listChanged.slice(10)}\n\n`,
    };
    const text = await (await get('sse')).text();
    expect(text).toBe(
      `: a comment\nid: 7\nevent: message\ndata: ${small}\n\n` +
        `id: 8\nretry: 100\ndata: \n\n` +
        `event: endpoint\ndata: /messages?sessionId=abc\n\n` +
        `data: ${listChanged}\n\n`,
    );
  });

  it('cuts a tool result too large to hold, in an event and as a JSON body', async () => {
    const huge = toolResult(2, 'x'.repeat(5000));
    BODIES.sseHuge = { type: 'text/event-stream', body: `event: message\ndata: ${huge}\n\n` };
    BODIES.jsonHuge = { type: 'application/json', body: huge };
    reports.length = 0;
    const fromEvent = await (await get('sseHuge')).text();
    const fromJson = (await (await get('jsonHuge')).json()) as {
      id: number;
      result: { content: { text: string }[] };
    };

    const cutEvent = JSON.parse(/^event: message\ndata: (.*)\n\n$/.exec(fromEvent)![1]) as unknown;
    expect(cutEvent).toEqual(fromJson);
    expect(fromJson.id).toBe(2);
    expect(fromJson.result.content[0].text).toMatch(/^\[Only the beginning of this result/);
    expect(fromJson.result.content[1].text.length).toBeLessThan(LIMITS.keptBytes);
    expect(reports).toEqual([
      { bytes: Buffer.byteLength(huge), answered: 'cut result' },
      { bytes: Buffer.byteLength(huge), answered: 'cut result' },
    ]);
  });

  it('reads a JSON body with line breaks between its tokens', async () => {
    const value = { jsonrpc: '2.0', id: 3, result: { tools: [{ name: 'a\nb' }] } };
    BODIES.pretty = { type: 'application/json', body: JSON.stringify(value, null, 2) };
    const response = await get('pretty');
    expect(response.headers.get('content-length')).toBeNull();
    expect(await response.json()).toEqual(value);
  });

  it('keeps the beginning of an error body, and leaves other types alone', async () => {
    BODIES.error = { type: 'text/plain', status: 500, body: 'e'.repeat(100_000) };
    BODIES.accepted = { type: 'text/plain', status: 202, body: 'Accepted' };
    expect(await (await get('error')).text()).toBe('e'.repeat(64 * 1024));
    expect(await (await get('accepted')).text()).toBe('Accepted');
  });

  it.each([
    ['a JSON body', 'application/json', '{"k":"yyyyyyyyyy'],
    ['an event', 'text/event-stream', 'data: {"k":"yyyyyyyyyy'],
    ['a comment line', 'text/event-stream', ': yyyyyyyyyyyyyyyyyyyyyy'],
  ])('stops reading %s that never ends, and says the server is broken', async (_, type, body) => {
    const name = `endless-${type}-${body.length}`;
    BODIES[name] = { type, body, endless: true };
    reports.length = 0;
    endless = 0;
    await expect((await get(name)).text()).rejects.toThrow(/not read further/);
    expect(reports).toEqual([{ bytes: expect.any(Number), answered: 'connection closed' }]);
    expect(endless).toBe(1);
    // Cancelled, not drained: once the socket's buffers are full, the server writes nothing more.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const sent = sentBytes[name];
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(sentBytes[name]).toBe(sent);
  });
});
