import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { boundedFetch } from './bounded-fetch.js';
import type { OversizeMessage } from './json-rpc-line-reader.js';

const LIMITS = { maxMessageBytes: 1000, keptBytes: 300, maxLineBytes: 50_000 };
const CHUNK_BYTES = 7;

/** What the server at /<name> answers: a content type, a status and a body sent in small chunks. */
const BODIES: Record<string, { type: string; status?: number; body: string }> = {};

const message = (value: object) => JSON.stringify({ jsonrpc: '2.0', ...value });
const toolResult = (id: number, text: string) =>
  message({ id, result: { content: [{ type: 'text', text }] } });

describe('boundedFetch', () => {
  let server: Server;
  let base: string;
  const reports: OversizeMessage[] = [];
  const bounded = boundedFetch(LIMITS, (report) => reports.push(report));
  const get = (name: string) => bounded(`${base}/${name}`);

  beforeAll(async () => {
    server = createServer((req, res) => {
      const { type, status = 200, body } = BODIES[req.url!.slice(1)];
      res.writeHead(status, { 'content-type': type });
      const bytes = Buffer.from(body);
      const write = (at: number): void => {
        if (at >= bytes.length) return void res.end();
        res.write(bytes.subarray(at, at + CHUNK_BYTES), () => write(at + CHUNK_BYTES));
      };
      write(0);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it('passes an event stream of small messages and other fields through, whatever the chunks', async () => {
    const small = message({ id: 1, result: { content: [] } });
    BODIES.sse = {
      type: 'text/event-stream',
      body:
        `: a comment\r\nid: 7\r\nevent: message\r\ndata: ${small}\r\n\r\n` +
        `event: endpoint\ndata: /messages?sessionId=abc\n\n` +
        `data:${message({ method: 'notifications/tools/list_changed' })}\n\n`,
    };
    const text = await (await get('sse')).text();
    expect(text).toBe(
      `: a comment\r\nid: 7\r\nevent: message\r\ndata: ${small}\n\r\n` +
        `event: endpoint\ndata: /messages?sessionId=abc\n\n` +
        `data: ${message({ method: 'notifications/tools/list_changed' })}\n\n`,
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
    expect(await (await get('pretty')).json()).toEqual(value);
  });

  it('leaves error responses and other types alone', async () => {
    BODIES.error = { type: 'application/json', status: 500, body: 'not json\n'.repeat(300) };
    BODIES.accepted = { type: 'text/plain', status: 202, body: 'Accepted' };
    expect(await (await get('error')).text()).toBe('not json\n'.repeat(300));
    expect(await (await get('accepted')).text()).toBe('Accepted');
  });

  it('fails the body of an event that never ends', async () => {
    BODIES.endless = { type: 'text/event-stream', body: `data: {"k":"${'y'.repeat(60_000)}` };
    reports.length = 0;
    await expect((await get('endless')).text()).rejects.toThrow(/not read further/);
    expect(reports).toEqual([{ bytes: expect.any(Number), answered: 'connection closed' }]);
  });
});
