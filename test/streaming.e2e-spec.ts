import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import request from 'supertest';
import {
  FakeAnthropic,
  FakeReply,
  forcedTool,
  hasToolResult,
  systemOf,
} from './support/fake-anthropic.js';
import { waitForServer } from './support/mcp-tools.js';
import { collect, deltaText, listen, postSse, SseEvent } from './support/sse-client.js';
import { createTestApp, TestApp } from './support/test-app.js';
import { until } from './support/until.js';

type Done = {
  conversation_id: string;
  message_id: string;
  response: string;
  route: string;
  cached: boolean;
  tool_calls?: Array<{ id: string; name: string }>;
  steps?: Array<{ index: number; status: string }>;
  routing?: { route: string };
};

/** Reads events until one satisfies `stop`, leaving the rest of the stream unread. */
async function readUntil(
  events: AsyncGenerator<SseEvent>,
  stop: (event: SseEvent) => boolean,
): Promise<SseEvent[]> {
  const seen: SseEvent[] = [];
  for (;;) {
    const { value, done } = await events.next();
    if (done) return seen;
    seen.push(value);
    if (stop(value)) return seen;
  }
}

describe('"stream": true on every chat endpoint (Server-Sent Events)', () => {
  let fake: FakeAnthropic;
  let t: TestApp;
  let base: string;
  let workspace: string;

  beforeAll(async () => {
    fake = await FakeAnthropic.start();
    workspace = mkdtempSync(join(tmpdir(), 'stream-ws-'));
    writeFileSync(join(workspace, 'notes.txt'), 'buy milk\n');
    t = await createTestApp({
      ANTHROPIC_BASE_URL: fake.url,
      ANTHROPIC_API_KEY: 'k',
      WORKSPACE_DIR: workspace,
      ROUTER_LLM: 'off',
    });
    base = await listen(t);
    await waitForServer(t, 'fs', 'connected');
  });

  afterAll(async () => {
    await t.close();
    await fake.close();
  });

  beforeEach(() => fake.reset());

  const stream = (path: string, body: object) =>
    postSse(base, `/api/v1/chat/${path}`, { ...body, stream: true }, t.alice);

  const newConversation = async (): Promise<string> => {
    const { body } = await request(t.http).post('/api/v1/conversations').set(t.alice).send({});
    return (body as { conversation_id: string }).conversation_id;
  };

  const storedMessages = async (id: string): Promise<unknown[]> => {
    const { body } = await request(t.http).get(`/api/v1/conversations/${id}`).set(t.alice);
    return (body as { messages: unknown[] }).messages;
  };

  it('direct: start, deltas as the model writes, done with the ChatResponse; the turn is stored', async () => {
    const id = await newConversation();
    fake.enqueue({ text: 'Paris is the capital of France.', eventDelayMs: 5 });
    const response = await stream('direct', { message: 'Capital of France?', conversation_id: id });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(response.headers.get('cache-control')).toContain('no-cache');
    expect(response.headers.get('x-accel-buffering')).toBe('no');
    expect(response.headers.get('x-request-id')).toBeTruthy();
    const events = await collect(response.events);

    expect(events[0]).toEqual({
      event: 'start',
      data: {
        conversation_id: id,
        message_id: expect.stringMatching(/^m_/),
        route: 'direct_llm',
        model: t.config.llm.defaultModel,
      },
    });
    const deltas = events.filter((event) => event.event === 'delta');
    expect(deltas.length).toBeGreaterThan(1);
    const done = events.at(-1) as { event: string; data: Done };
    expect(done.event).toBe('done');
    expect(deltaText(events)).toBe(done.data.response);
    expect(done.data).toMatchObject({
      response: 'Paris is the capital of France.',
      message_id: (events[0].data as Done).message_id,
    });
    expect(fake.lastRequest().body.stream).toBe(true);
    expect(await storedMessages(id)).toEqual([
      expect.objectContaining({ role: 'user', content: 'Capital of France?' }),
      expect.objectContaining({ role: 'assistant', message_id: done.data.message_id }),
    ]);
  });

  it('mcp-agent: tool_call and tool_result as the tools run, text of every round as deltas', async () => {
    fake.enqueue(
      {
        text: 'Let me look.',
        toolUses: [{ name: 'fs__list_directory', input: { path: workspace }, id: 'toolu_ls' }],
      },
      { text: 'You have notes.txt.' },
    );
    const events = await collect((await stream('mcp-agent', { message: 'List my files' })).events);
    const kinds = events.map((event) => event.event);
    expect(kinds.filter((kind, i) => kind !== 'delta' || kinds[i - 1] !== 'delta')).toEqual([
      'start',
      'delta',
      'tool_call',
      'tool_result',
      'delta',
      'done',
    ]);
    const eventData = (kind: string) => events.find((event) => event.event === kind)?.data;
    expect(eventData('tool_call')).toEqual({
      id: 'toolu_ls',
      server: 'fs',
      name: 'list_directory',
      input: { path: workspace },
    });
    expect(eventData('tool_result')).toMatchObject({
      id: 'toolu_ls',
      is_error: false,
      output_preview: expect.stringContaining('notes.txt'),
      duration_ms: expect.any(Number),
    });
    const done = events.at(-1)?.data as Done;
    expect(deltaText(events)).toBe(done.response);
    expect(done.response).toBe('Let me look.\n\nYou have notes.txt.');
    expect(done.tool_calls?.map((call) => call.id)).toEqual(['toolu_ls']);
  });

  it('ultrafast: a miss streams the model, a hit streams the cached text', async () => {
    const message = `What is 6 x 7? ${Date.now()}`;
    fake.enqueue({ text: 'Forty-two.' });
    const miss = await collect((await stream('ultrafast', { message })).events);
    expect(miss[0].data).toMatchObject({ route: 'ultra_fast', model: t.config.llm.fastModel });
    expect(deltaText(miss)).toBe('Forty-two.');
    expect((miss.at(-1)?.data as Done).cached).toBe(false);

    const hit = await collect((await stream('ultrafast', { message })).events);
    expect(hit.map((event) => event.event)).toEqual(['start', 'delta', 'done']);
    expect(deltaText(hit)).toBe('Forty-two.');
    expect((hit.at(-1)?.data as Done).cached).toBe(true);
    expect(fake.requests).toHaveLength(1);
  });

  it('orchestrated: start names the chosen route before any text', async () => {
    fake.enqueue({ text: 'TCP is connection-oriented; UDP is not.' });
    const events = await collect(
      (
        await stream('orchestrated', {
          message: 'Explain in depth the difference between TCP and UDP, with examples.',
        })
      ).events,
    );
    expect(events[0]).toMatchObject({
      event: 'start',
      data: { route: 'direct_llm', model: t.config.llm.defaultModel },
    });
    const done = events.at(-1)?.data as Done;
    expect(done.routing?.route).toBe('direct_llm');
    expect(deltaText(events)).toBe(done.response);
  });

  it('orchestrated complex: step events as steps start and end, the synthesis as deltas', async () => {
    fake.respondWith((req): FakeReply | undefined => {
      if (forcedTool(req) === 'submit_plan') {
        return {
          toolUses: [
            {
              name: 'submit_plan',
              input: {
                steps: [
                  { title: 'List the files', instruction: 'List them', uses_tools: true },
                  {
                    title: 'Summarise',
                    instruction: 'Summarise',
                    depends_on: [1],
                    uses_tools: false,
                  },
                ],
              },
            },
          ],
        };
      }
      if (systemOf(req).startsWith('You carry out one step')) {
        if (hasToolResult(req) || !req.body.tools) return { text: 'step text, never a delta' };
        return { toolUses: [{ name: 'fs__list_directory', input: { path: workspace } }] };
      }
      if (systemOf(req).startsWith('You write the final answer')) {
        return { text: '# Report\nOne file: notes.txt.' };
      }
      return undefined;
    });
    const events = await collect(
      (await stream('orchestrated', { message: 'Analyze my codebase and create a summary report' }))
        .events,
    );
    expect(events[0].data).toMatchObject({ route: 'complex' });
    const steps = events
      .filter((event) => event.event === 'step')
      .map((event) => event.data as { index: number; status: string });
    expect(steps).toEqual([
      { index: 1, title: 'List the files', status: 'running' },
      { index: 1, title: 'List the files', status: 'done' },
      { index: 2, title: 'Summarise', status: 'running' },
      { index: 2, title: 'Summarise', status: 'done' },
    ]);
    expect(events.map((event) => event.event)).toContain('tool_call');
    const done = events.at(-1)?.data as Done;
    expect(done.route).toBe('complex');
    expect(deltaText(events)).toBe('# Report\nOne file: notes.txt.');
    expect(deltaText(events)).toBe(done.response);
  });

  it('refuses before the stream starts with plain JSON errors: 400, 401, 404', async () => {
    const invalid = await stream('direct', { message: ' ' });
    expect(invalid.status).toBe(400);
    expect(await invalid.json()).toMatchObject({ statusCode: 400, message: 'No message provided' });

    const unknown = await stream('direct', { message: 'hi', conversation_id: 'c_missing' });
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toMatch(/^application\/json/);

    const anonymous = await postSse(
      base,
      '/api/v1/chat/direct',
      { message: 'hi', stream: true },
      {},
    );
    expect(anonymous.status).toBe(401);
    expect(fake.requests).toHaveLength(0);
  });

  it('a disconnect mid-answer aborts the model request and stores nothing', async () => {
    const id = await newConversation();
    fake.enqueue({ text: 'word '.repeat(40), eventDelayMs: 150 });
    const response = await stream('direct', {
      message: 'Tell me a long story',
      conversation_id: id,
    });
    await readUntil(response.events, (event) => event.event === 'delta');
    response.abort();
    await until(() => fake.requests.length === 1 && fake.lastRequest().aborted);
    await sleep(100);
    expect(await storedMessages(id)).toEqual([]);
  });

  it('a plain JSON request whose client leaves is cancelled the same way', async () => {
    const id = await newConversation();
    fake.enqueue({ delayMs: 5_000, then: { text: 'too late' } });
    const controller = new AbortController();
    const pending = fetch(`${base}/api/v1/chat/direct`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...t.alice },
      body: JSON.stringify({ message: 'Slow question', conversation_id: id }),
      signal: controller.signal,
    }).catch(() => undefined);
    await until(() => fake.requests.length === 1);
    controller.abort();
    await pending;
    await until(() => fake.lastRequest().aborted);
    await sleep(100);
    expect(await storedMessages(id)).toEqual([]);
  });

  it('an upstream error mid-stream ends in an error event, and nothing is stored', async () => {
    const id = await newConversation();
    fake.enqueue({
      text: 'This answer will break',
      failMidStream: { afterEvents: 5, how: 'error-event' },
    });
    const events = await collect(
      (await stream('direct', { message: 'Break please', conversation_id: id })).events,
    );
    expect(events[0].event).toBe('start');
    const last = events.at(-1) as SseEvent;
    expect(last.event).toBe('error');
    expect(last.data).toEqual({
      statusCode: 502,
      message: expect.stringContaining('model provider'),
      request_id: expect.any(String),
    });
    expect(await storedMessages(id)).toEqual([]);
  });

  it('a shared single-flight miss keeps running for the client that stays', async () => {
    const message = `Slow shared question ${Date.now()}`;
    fake.enqueue({ text: 'the shared answer', eventDelayMs: 100 });
    const leaving = await stream('ultrafast', { message });
    await readUntil(leaving.events, (event) => event.event === 'start');
    await until(() => fake.requests.length === 1);
    const staying = await stream('ultrafast', { message });
    const stayed = collect(staying.events);
    await sleep(50);
    leaving.abort();

    const events = await stayed;
    const done = events.at(-1) as { event: string; data: Done };
    expect(done.event).toBe('done');
    expect(done.data.response).toBe('the shared answer');
    expect(deltaText(events)).toBe('the shared answer');
    expect(fake.requests).toHaveLength(1);
    expect(fake.lastRequest().aborted).toBe(false);
  });

  it('the last client leaving a shared single-flight miss aborts the model request', async () => {
    const message = `Abandoned question ${Date.now()}`;
    fake.enqueue({ text: 'nobody reads this', eventDelayMs: 200 });
    const first = await stream('ultrafast', { message });
    await readUntil(first.events, (event) => event.event === 'start');
    await until(() => fake.requests.length === 1);
    const second = await stream('ultrafast', { message });
    await readUntil(second.events, (event) => event.event === 'start');
    first.abort();
    second.abort();
    await until(() => fake.lastRequest().aborted);
  });
});
