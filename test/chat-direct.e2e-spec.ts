import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { contentText, FakeAnthropic } from './support/fake-anthropic.js';
import { createTestApp, storeVariants, TestApp } from './support/test-app.js';

describe.each(storeVariants())('POST /api/v1/chat/direct on the $name store', ({ env }) => {
  let fake: FakeAnthropic;
  let t: TestApp;

  beforeAll(async () => {
    fake = await FakeAnthropic.start();
    t = await createTestApp({
      ...env,
      ANTHROPIC_BASE_URL: fake.url,
      ANTHROPIC_API_KEY: 'test-key',
      LLM_TIMEOUT_MS: '1500',
      MAX_MESSAGE_CHARS: '100',
    });
  });

  afterAll(async () => {
    await t.close();
    await fake.close();
  });

  beforeEach(() => fake.reset());

  const chat = (body: object, auth: Record<string, string> = t.alice) =>
    request(t.http).post('/api/v1/chat/direct').set(auth).send(body);

  describe('bad input: 400 and nothing stored', () => {
    it.each([
      [{}, 'No message provided'],
      [{ message: '' }, 'No message provided'],
      [{ message: '   \n ' }, 'No message provided'],
      [{ message: null }, 'No message provided'],
      [{ message: 42 }, 'message must be a string'],
      [{ message: 'hi', stream: 'yes' }, 'stream must be a boolean'],
      [{ message: 'hi', conversation_id: 'bad id!' }, 'conversation_id must match'],
      [{ message: 'hi', conversation_id: 'x'.repeat(65) }, 'conversation_id must match'],
      [{ message: 'hi', conversation_id: 7 }, 'conversation_id must be a string'],
      [{ message: 'hi', conversation_id: null }, 'conversation_id must be a string'],
      [{ message: 'hi', stream: null }, 'stream must be a boolean'],
      [{ message: 'hi', extra: 1 }, 'property extra should not exist'],
      [{ messages: [{ role: 'user', content: 'hi' }] }, 'send the new text as `message`'],
      [{ messages: null }, 'No message provided'],
      [{ messages: '' }, 'No message provided'],
      [{ message: 'x'.repeat(101) }, 'MAX_MESSAGE_CHARS'],
    ])('%j → 400 %s', async (body, expected) => {
      const response = await chat(body).expect(400);
      expect(response.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
      expect(String(response.body.message)).toContain(expected);
      expect(response.body.request_id).toBe(response.headers['x-request-id']);
      expect(fake.requests).toHaveLength(0);
    });

    it('stores nothing for a refused request', async () => {
      await chat({ message: 'hi', extra: true }).expect(400);
      const history = await request(t.http).get('/api/v1/conversations/default').set(t.alice);
      expect(history.body.messages).toEqual([]);
    });
  });

  describe('auth', () => {
    it.each([
      [{}, 'Missing bearer token'],
      [{ Authorization: 'Bearer nope' }, 'Invalid or expired token'],
      [{ Authorization: 'Basic abc' }, 'Missing bearer token'],
    ])('%j → 401', async (headers, message) => {
      const response = await chat({ message: 'hi' }, headers).expect(401);
      expect(response.body).toMatchObject({ statusCode: 401, error: 'Unauthorized', message });
    });
  });

  it('answers with the standard ChatResponse and stores the turn', async () => {
    fake.enqueue({ text: 'Paris.', usage: { input_tokens: 12, output_tokens: 3 } });
    const response = await chat({ message: '  What is the capital of France?  ' }).expect(200);
    expect(response.body).toEqual({
      conversation_id: 'default',
      message_id: expect.stringMatching(/^m_/),
      response: 'Paris.',
      route: 'direct_llm',
      model: t.config.llm.defaultModel,
      cached: false,
      usage: { input_tokens: 12, output_tokens: 3 },
      stop_reason: 'end_turn',
      latency_ms: expect.any(Number),
    });
    expect(fake.lastRequest().body.messages).toEqual([
      { role: 'user', content: 'What is the capital of France?' },
    ]);
    const stored = await request(t.http).get('/api/v1/conversations/default').set(t.alice);
    expect(stored.body.messages).toEqual([
      expect.objectContaining({ role: 'user', content: 'What is the capital of France?' }),
      expect.objectContaining({
        role: 'assistant',
        content: 'Paris.',
        message_id: response.body.message_id,
        route: 'direct_llm',
        model: t.config.llm.defaultModel,
        created_at: expect.any(String),
      }),
    ]);
  });

  it('reports a cut answer as max_tokens', async () => {
    fake.enqueue({ text: 'It was a dark and', stopReason: 'max_tokens' });
    const response = await chat({ message: 'Tell me a long story' }).expect(200);
    expect(response.body.stop_reason).toBe('max_tokens');
  });

  it('sends the earlier turns of a conversation to the model', async () => {
    const created = await request(t.http)
      .post('/api/v1/conversations')
      .set(t.alice)
      .send({ title: 'Geography' })
      .expect(201);
    const id = created.body.conversation_id;
    fake.enqueue({ text: 'Paris.' }, { text: 'Berlin.' }, { text: 'Rome.' });
    await chat({ message: 'Capital of France?', conversation_id: id }).expect(200);
    await chat({ message: 'And Germany?', conversation_id: id }).expect(200);
    await chat({ message: 'And Italy?', conversation_id: id }).expect(200);
    expect(fake.lastRequest().body.messages).toEqual([
      { role: 'user', content: 'Capital of France?' },
      { role: 'assistant', content: 'Paris.' },
      { role: 'user', content: 'And Germany?' },
      { role: 'assistant', content: 'Berlin.' },
      { role: 'user', content: 'And Italy?' },
    ]);
  });

  it('404s on a conversation that does not exist or is another principal’s, and stores nothing', async () => {
    const created = await request(t.http).post('/api/v1/conversations').set(t.bob).send({});
    const id = created.body.conversation_id;
    for (const conversationId of [id, 'c_does_not_exist']) {
      const response = await chat({ message: 'hi', conversation_id: conversationId }).expect(404);
      expect(response.body).toMatchObject({ statusCode: 404, message: 'Conversation not found' });
    }
    expect(fake.requests).toHaveLength(0);
    const bobs = await request(t.http).get(`/api/v1/conversations/${id}`).set(t.bob).expect(200);
    expect(bobs.body.messages).toEqual([]);
  });

  it('keeps all of 20 concurrent turns on one conversation, each question next to its answer', async () => {
    const { body } = await request(t.http).post('/api/v1/conversations').set(t.alice).send({});
    fake.respondWith((req) => {
      const last = req.body.messages.at(-1);
      return { text: `answer to ${contentText(last?.content)}` };
    });
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        chat({ message: `question ${i}`, conversation_id: body.conversation_id }),
      ),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(20).fill(200));
    const stored = await request(t.http)
      .get(`/api/v1/conversations/${body.conversation_id}`)
      .set(t.alice)
      .expect(200);
    const messages: Array<{ role: string; content: string }> = stored.body.messages;
    expect(messages).toHaveLength(40);
    for (let i = 0; i < 40; i += 2) {
      expect(messages[i].role).toBe('user');
      expect(messages[i + 1]).toMatchObject({
        role: 'assistant',
        content: `answer to ${messages[i].content}`,
      });
    }
    expect(new Set(messages.filter((m) => m.role === 'user').map((m) => m.content)).size).toBe(20);
  });

  describe('model faults', () => {
    it('retries transient errors (429 with retry-after, 529, 500) and then answers', async () => {
      fake.enqueue(
        { error: { status: 429, retryAfterSeconds: 0 } },
        { error: { status: 529 } },
        { text: 'Recovered.' },
      );
      const response = await chat({ message: 'hi' }).expect(200);
      expect(response.body.response).toBe('Recovered.');
      expect(fake.requests).toHaveLength(3);
    });

    it('502 when the provider keeps failing, with nothing stored', async () => {
      const before = await request(t.http).get('/api/v1/conversations/default').set(t.alice);
      fake.enqueue(
        { error: { status: 500 } },
        { error: { status: 500 } },
        { error: { status: 500 } },
      );
      const response = await chat({ message: 'will fail' }).expect(502);
      expect(response.body).toMatchObject({ statusCode: 502, error: 'Bad Gateway' });
      expect(response.body.message).toMatch(/model provider failed/);
      expect(JSON.stringify(response.body)).not.toMatch(/at .*\.ts|test-key/);
      const after = await request(t.http).get('/api/v1/conversations/default').set(t.alice);
      expect(after.body.messages).toEqual(before.body.messages);
    });

    it('502 when the provider rejects our request (400)', async () => {
      fake.enqueue({ error: { status: 400, message: 'bad request' } });
      await chat({ message: 'hi' }).expect(502);
    });

    it('504 when the provider does not answer within LLM_TIMEOUT_MS', async () => {
      fake.enqueue({ delayMs: 5000 });
      const response = await chat({ message: 'slow' }).expect(504);
      // Cut by the 1500 ms deadline (the reply was due after 5000 ms), which also ends the SDK's retries.
      expect(fake.requests).toHaveLength(1);
      expect(response.body).toMatchObject({ statusCode: 504, error: 'Gateway Timeout' });
      expect(response.body.message).toMatch(/did not answer within 1500 ms/);
    });

    it('503 when the provider refuses our credentials, and readiness says so', async () => {
      fake.enqueue({ error: { status: 401 } });
      const response = await chat({ message: 'hi' }).expect(503);
      expect(response.body.message).toMatch(/credentials/);
      const ready = await request(t.http).get('/health/ready').expect(503);
      expect(ready.body.message).toMatch(/model/);
      fake.enqueue({ text: 'ok again' });
      await chat({ message: 'hi' }).expect(200);
      await request(t.http).get('/health/ready').expect(200);
    });
  });
});
