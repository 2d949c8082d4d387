import Anthropic from '@anthropic-ai/sdk';
import type { APIError, ClientOptions } from '@anthropic-ai/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import { FakeAnthropic } from './fake-anthropic.js';

const MODEL = 'claude-test-model';

const ASK = {
  model: MODEL,
  max_tokens: 256,
  messages: [{ role: 'user' as const, content: 'hello there' }],
};

const LOOKUP_TOOL: Anthropic.Tool = {
  name: 'lookup',
  description: 'Looks a query up',
  input_schema: { type: 'object', properties: { query: { type: 'string' } }, required: ['query'] },
};

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the request to fail');
}

describe('FakeAnthropic through the real SDK', () => {
  let fake: FakeAnthropic;

  const client = (options: ClientOptions = {}) =>
    new Anthropic({ apiKey: 'test', baseURL: fake.url, maxRetries: 0, ...options });

  beforeAll(async () => {
    fake = await FakeAnthropic.start();
  });

  afterAll(async () => {
    await fake.close();
  });

  beforeEach(() => fake.reset());

  it('answers messages.create with JSON and records the request', async () => {
    const message = await client().messages.create(ASK);

    expect(message).toMatchObject({
      id: expect.stringMatching(/^msg_/),
      type: 'message',
      role: 'assistant',
      model: MODEL,
      content: [{ type: 'text', text: 'echo: hello there' }],
      stop_reason: 'end_turn',
      stop_sequence: null,
    });
    expect(message.usage.output_tokens).toBeGreaterThan(0);
    expect(message._request_id).toMatch(/^req_/);
    expect(fake.lastRequest().body.messages).toEqual(ASK.messages);
    expect(fake.lastRequest().headers.authorization).toBe('Bearer test');
  });

  it('serves scripted text replies in order with their stop reason and usage', async () => {
    fake.enqueue(
      { text: 'first', stopReason: 'max_tokens', usage: { input_tokens: 11, output_tokens: 7 } },
      { text: 'second' },
    );
    const anthropic = client();

    const first = await anthropic.messages.create(ASK);
    const second = await anthropic.messages.create(ASK);

    expect(first.content).toEqual([{ type: 'text', text: 'first', citations: null }]);
    expect(first.stop_reason).toBe('max_tokens');
    expect(first.usage).toMatchObject({ input_tokens: 11, output_tokens: 7 });
    expect(second.content).toEqual([{ type: 'text', text: 'second', citations: null }]);
    expect(fake.requests).toHaveLength(2);
  });

  it('streams text deltas that add up to the JSON answer', async () => {
    const text = 'The quick brown fox jumps over the lazy dog.';
    fake.enqueue({ text }, { text });
    const anthropic = client();
    const json = await anthropic.messages.create(ASK);

    const deltas: string[] = [];
    const stream = anthropic.messages.stream(ASK).on('text', (delta) => deltas.push(delta));
    const final = await stream.finalMessage();

    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.join('')).toBe(text);
    expect(final).toMatchObject({ ...json, id: expect.stringMatching(/^msg_/) });
    expect(fake.lastRequest().body.stream).toBe(true);
  });

  it('emits the raw event sequence of the real API for create({ stream: true })', async () => {
    fake.enqueue({ text: 'streamed words' });

    const events = await client().messages.create({ ...ASK, stream: true });
    const types: string[] = [];
    for await (const event of events) types.push(event.type);

    expect(types[0]).toBe('message_start');
    expect(types[1]).toBe('content_block_start');
    expect(types.slice(2, -3).every((type) => type === 'content_block_delta')).toBe(true);
    expect(types.slice(-3)).toEqual(['content_block_stop', 'message_delta', 'message_stop']);
  });

  it('returns scripted tool_use blocks with parsed input, streaming or not', async () => {
    const input = { query: 'weather in Paris', filters: { units: 'metric' }, limit: 3 };
    const reply = { text: 'Let me look.', toolUses: [{ name: 'lookup', input, id: 'toolu_1' }] };
    fake.enqueue(reply, reply);
    const anthropic = client();
    const request = { ...ASK, tools: [LOOKUP_TOOL] };

    const json = await anthropic.messages.create(request);
    const jsonDeltas: string[] = [];
    const stream = anthropic.messages
      .stream(request)
      .on('inputJson', (partial) => jsonDeltas.push(partial));
    const final = await stream.finalMessage();

    for (const message of [json, final]) {
      expect(message.stop_reason).toBe('tool_use');
      expect(message.content).toMatchObject([
        { type: 'text', text: 'Let me look.' },
        { type: 'tool_use', id: 'toolu_1', name: 'lookup', input },
      ]);
    }
    expect(jsonDeltas.length).toBeGreaterThan(1);
  });

  it('sends 429 with retry-after, which the SDK retries before the next queued reply', async () => {
    fake.enqueue({ error: { status: 429, retryAfterSeconds: 7 } });
    const refused = await rejection(client().messages.create(ASK));
    expect(refused).toBeInstanceOf(Anthropic.RateLimitError);
    expect(refused).toMatchObject({ status: 429, type: 'rate_limit_error' });
    expect((refused as APIError).headers?.get('retry-after')).toBe('7');

    fake.reset();
    fake.enqueue({ error: { status: 429, retryAfterSeconds: 0.01 } }, { text: 'after retry' });
    const message = await client({ maxRetries: 1 }).messages.create(ASK);

    expect(message.content).toMatchObject([{ type: 'text', text: 'after retry' }]);
    expect(fake.requests).toHaveLength(2);
  });

  it('maps 500 to InternalServerError in the API error shape', async () => {
    fake.enqueue({ error: { status: 500 } });

    const error = await rejection(client().messages.create(ASK));

    expect(error).toBeInstanceOf(Anthropic.InternalServerError);
    expect(error).toMatchObject({
      status: 500,
      type: 'api_error',
      requestID: expect.stringMatching(/^req_/),
    });
  });

  it('maps 529 to an APIError with status 529', async () => {
    fake.enqueue({ error: { status: 529, message: 'busy' } });

    const error = await rejection(client().messages.create(ASK));

    expect(error).toBeInstanceOf(Anthropic.APIError);
    expect(error).toMatchObject({ status: 529, type: 'overloaded_error', apiMessage: 'busy' });
  });

  it('lets a client timeout fire during delayMs and stops waiting once the client is gone', async () => {
    let unscriptedCalls = 0;
    fake.respondWith(() => {
      unscriptedCalls += 1;
      return undefined;
    });
    fake.enqueue({ delayMs: 400 });

    const error = await rejection(client({ timeout: 100 }).messages.create(ASK));
    await sleep(500);

    expect(error).toBeInstanceOf(Anthropic.APIConnectionTimeoutError);
    expect(unscriptedCalls).toBe(0);
  });

  it('answers the delayed reply when the client waits long enough', async () => {
    fake.enqueue({ delayMs: 50, then: { text: 'patience' } });

    const message = await client().messages.create(ASK);

    expect(message.content).toMatchObject([{ type: 'text', text: 'patience' }]);
  });

  it('drops the connection as an APIConnectionError', async () => {
    fake.enqueue({ drop: true });

    const error = await rejection(client().messages.create(ASK));

    expect(error).toBeInstanceOf(Anthropic.APIConnectionError);
    expect(error).not.toBeInstanceOf(Anthropic.APIConnectionTimeoutError);
  });

  it('answers tool results with done: and a forced tool_choice with a tool_use', async () => {
    const longResult = 'r'.repeat(300);
    const afterTool = await client().messages.create({
      ...ASK,
      messages: [
        ...ASK.messages,
        {
          role: 'assistant',
          content: [{ type: 'tool_use', id: 'toolu_1', name: 'lookup', input: { query: 'q' } }],
        },
        {
          role: 'user',
          content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: longResult }],
        },
      ],
    });
    const forced = await client().messages.create({
      ...ASK,
      tools: [LOOKUP_TOOL],
      tool_choice: { type: 'tool', name: 'lookup' },
    });

    expect(afterTool.content).toMatchObject([{ type: 'text', text: `done: ${'r'.repeat(200)}` }]);
    expect(forced.stop_reason).toBe('tool_use');
    expect(forced.content).toMatchObject([{ type: 'tool_use', name: 'lookup', input: {} }]);
  });

  it('consults respondWith once the queue is empty and filters requests by model', async () => {
    fake.respondWith((request) =>
      request.body.model === 'claude-special' ? { text: 'special' } : undefined,
    );
    fake.enqueue({ text: 'queued' });
    const anthropic = client();

    const queued = await anthropic.messages.create({ ...ASK, model: 'claude-special' });
    const special = await anthropic.messages.create({ ...ASK, model: 'claude-special' });
    const fallback = await anthropic.messages.create(ASK);

    expect([queued, special, fallback].map((message) => message.content[0])).toMatchObject([
      { text: 'queued' },
      { text: 'special' },
      { text: 'echo: hello there' },
    ]);
    expect(special.model).toBe('claude-special');
    expect(fake.requestsFor('claude-special')).toHaveLength(2);
    expect(fake.requestsFor()).toHaveLength(3);
  });

  it('answers unknown paths with a 404 in the API error shape', async () => {
    const response = await fetch(`${fake.url}/v1/models`);

    expect(response.status).toBe(404);
    expect(response.headers.get('request-id')).toMatch(/^req_/);
    expect(await response.json()).toMatchObject({
      type: 'error',
      error: { type: 'not_found_error', message: expect.any(String) },
    });
  });
});
