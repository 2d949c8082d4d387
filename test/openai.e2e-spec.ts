import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import OpenAI from 'openai';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { contentText, FakeAnthropic, systemOf } from './support/fake-anthropic.js';
import { listen } from './support/sse-client.js';
import { createTestApp, TestApp } from './support/test-app.js';
import { until } from './support/until.js';

describe('the OpenAI-compatible door, driven by the official openai SDK', () => {
  let fake: FakeAnthropic;
  let t: TestApp;
  let client: OpenAI;

  beforeAll(async () => {
    fake = await FakeAnthropic.start();
    t = await createTestApp({
      ANTHROPIC_BASE_URL: fake.url,
      ANTHROPIC_API_KEY: 'k',
      ROUTER_LLM: 'off',
    });
    client = new OpenAI({
      baseURL: `${await listen(t)}/v1`,
      apiKey: t.alice.Authorization.replace('Bearer ', ''),
      maxRetries: 0,
    });
  });

  afterAll(async () => {
    await t.close();
    await fake.close();
  });

  beforeEach(() => fake.reset());

  const storedIn = async (id: string): Promise<Array<{ role: string; content: string }>> => {
    const { body } = await request(t.http).get(`/api/v1/conversations/${id}`).set(t.alice);
    return (body as { messages: Array<{ role: string; content: string }> }).messages;
  };

  it('lists one model per route', async () => {
    const models = await client.models.list();
    expect(models.data.map((model) => model.id)).toEqual([
      'orchestrated',
      'direct',
      'ultrafast',
      'mcp-agent',
    ]);
    expect(models.data[0]).toMatchObject({ object: 'model', owned_by: expect.any(String) });
  });

  it.each([
    ['direct', 'direct_llm'],
    ['ultrafast', 'ultra_fast'],
    ['mcp-agent', 'needs_tools'],
    ['orchestrated', 'direct_llm'],
  ])('answers a completion on %s through that route', async (model, route) => {
    fake.respondWith(() => ({ text: `answered by ${model}` }));
    const message =
      model === 'orchestrated'
        ? 'Explain in depth how TCP congestion control works, with examples.'
        : `Hello ${randomUUID()}`;
    const { data, response } = await client.chat.completions
      .create({ model, messages: [{ role: 'user', content: message }] })
      .withResponse();
    expect(data).toMatchObject({
      object: 'chat.completion',
      model,
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: `answered by ${model}` },
          finish_reason: 'stop',
        },
      ],
      usage: { prompt_tokens: expect.any(Number), completion_tokens: expect.any(Number) },
    });
    expect(data.id).toMatch(/^chatcmpl-m_/);
    expect(response.headers.get('x-route')).toBe(route);
    expect(response.headers.get('x-model')).toBeTruthy();
    expect(response.headers.get('x-cached')).toBe('false');
  });

  it('is stateless by default: the request’s messages are the history, nothing is stored', async () => {
    fake.enqueue({ text: 'Berlin.' });
    await client.chat.completions.create({
      model: 'direct',
      messages: [
        { role: 'system', content: 'Answer in one word.' },
        { role: 'developer', content: 'Be terse.' },
        { role: 'user', content: 'Capital of France?' },
        { role: 'assistant', content: 'Paris.' },
        { role: 'user', content: [{ type: 'text', text: 'And Germany?' }] },
      ],
      max_tokens: 50,
      temperature: 1.5,
      stop: 'END',
    });
    const sent = fake.lastRequest().body;
    expect(sent.messages).toEqual([
      { role: 'user', content: 'Capital of France?' },
      { role: 'assistant', content: 'Paris.' },
      { role: 'user', content: 'And Germany?' },
    ]);
    expect(systemOf(fake.lastRequest())).toMatch(/Answer in one word\.\n\nBe terse\.$/);
    expect(sent).toMatchObject({ max_tokens: 50, temperature: 1, stop_sequences: ['END'] });
    expect(await storedIn('default')).toEqual([]);
  });

  it('continues a stored conversation with metadata.conversation_id, on either door', async () => {
    const { body } = await request(t.http).post('/api/v1/conversations').set(t.alice).send({});
    const id = (body as { conversation_id: string }).conversation_id;
    fake.respondWith((req) => ({ text: `re: ${contentText(req.body.messages.at(-1)?.content)}` }));

    await client.chat.completions.create({
      model: 'direct',
      messages: [
        { role: 'user', content: 'ignored: only the last user message is taken' },
        { role: 'user', content: 'first' },
      ],
      metadata: { conversation_id: id },
    });
    await client.chat.completions.create({
      model: 'direct',
      messages: [{ role: 'user', content: 'second' }],
      metadata: { conversation_id: id },
    });
    expect(fake.lastRequest().body.messages.map((message) => message.content)).toEqual([
      'first',
      're: first',
      'second',
    ]);
    await request(t.http)
      .post('/api/v1/chat/direct')
      .set(t.alice)
      .send({ message: 'third', conversation_id: id })
      .expect(200);
    expect((await storedIn(id)).map((message) => message.content)).toEqual([
      'first',
      're: first',
      'second',
      're: second',
      'third',
      're: third',
    ]);
  });

  it('streams chat.completion.chunk lines ending in [DONE], with a usage chunk when asked', async () => {
    fake.respondWith(() => ({ text: 'A streamed answer, in pieces.' }));
    for (const includeUsage of [false, true]) {
      const stream = await client.chat.completions.create({
        model: 'direct',
        messages: [{ role: 'user', content: 'Stream please' }],
        stream: true,
        ...(includeUsage && { stream_options: { include_usage: true } }),
      });
      const chunks: OpenAI.Chat.Completions.ChatCompletionChunk[] = [];
      for await (const chunk of stream) chunks.push(chunk);

      expect(chunks[0].choices[0].delta).toEqual({ role: 'assistant', content: '' });
      const text = chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('');
      expect(text).toBe('A streamed answer, in pieces.');
      const finished = chunks.filter((chunk) => chunk.choices[0]?.finish_reason);
      expect(finished.map((chunk) => chunk.choices[0].finish_reason)).toEqual(['stop']);
      const usage = chunks.at(-1)?.usage;
      if (includeUsage) expect(usage).toMatchObject({ total_tokens: expect.any(Number) });
      else expect(usage).toBeFalsy();
      expect(new Set(chunks.map((chunk) => chunk.id)).size).toBe(1);
    }
  });

  it('raises the SDK’s typed errors: unknown model, bad key, unsupported parameters', async () => {
    const unknown = await client.chat.completions
      .create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] })
      .catch((error: unknown) => error);
    expect(unknown).toBeInstanceOf(OpenAI.NotFoundError);
    expect(unknown).toMatchObject({ status: 404, code: 'model_not_found', param: 'model' });

    const stranger = new OpenAI({ baseURL: client.baseURL, apiKey: 'nope', maxRetries: 0 });
    await expect(stranger.models.list()).rejects.toBeInstanceOf(OpenAI.AuthenticationError);

    const cases: Array<[Partial<OpenAI.Chat.ChatCompletionCreateParamsNonStreaming>, string]> = [
      [{ n: 2 }, 'n'],
      [{ logprobs: true }, 'logprobs'],
      [{ response_format: { type: 'json_object' } }, 'response_format'],
      [
        {
          tools: [{ type: 'function', function: { name: 'f', parameters: {} } }],
        },
        'tools',
      ],
      [
        {
          messages: [
            {
              role: 'user',
              content: [{ type: 'image_url', image_url: { url: 'https://x/y.png' } }],
            },
          ],
        },
        'messages[0].content[0].type',
      ],
    ];
    for (const [params, param] of cases) {
      const error = await client.chat.completions
        .create({ model: 'direct', messages: [{ role: 'user', content: 'hi' }], ...params })
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(OpenAI.BadRequestError);
      expect(error).toMatchObject({ status: 400, param, type: 'invalid_request_error' });
    }
    const missing = await client.chat.completions
      .create({
        model: 'direct',
        messages: [{ role: 'user', content: 'hi' }],
        metadata: { conversation_id: 'c_missing' },
      })
      .catch((caught: unknown) => caught);
    expect(missing).toBeInstanceOf(OpenAI.NotFoundError);
    expect(fake.requests).toHaveLength(0);
  });

  it('answers a repeat with the same Idempotency-Key from its record', async () => {
    fake.enqueue({ text: 'once' });
    const params = { model: 'direct', messages: [{ role: 'user' as const, content: 'Only once' }] };
    const key = randomUUID();
    // The openai SDK sends no idempotency header of its own; a client adds ours.
    const options = { headers: { 'Idempotency-Key': key } };
    const first = await client.chat.completions.create(params, options);
    const repeat = await client.chat.completions.create(params, options);
    expect(repeat.id).toBe(first.id);
    expect(repeat.choices[0].message.content).toBe('once');
    expect(fake.requests).toHaveLength(1);
  });

  it('cancels the upstream call when a stream is aborted, and stores nothing', async () => {
    const { body } = await request(t.http).post('/api/v1/conversations').set(t.alice).send({});
    const id = (body as { conversation_id: string }).conversation_id;
    fake.enqueue({ text: 'word '.repeat(40), eventDelayMs: 150 });
    const stream = await client.chat.completions.create({
      model: 'direct',
      messages: [{ role: 'user', content: 'A long story' }],
      metadata: { conversation_id: id },
      stream: true,
    });
    for await (const chunk of stream) {
      if (chunk.choices[0]?.delta.content) break;
    }
    stream.controller.abort();
    await until(() => fake.requests.length === 1 && fake.lastRequest().aborted);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await storedIn(id)).toEqual([]);
  });
});
