import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { conversationKeys } from '../src/conversations/conversation-keys.js';
import { RedisService } from '../src/redis/redis.service.js';
import { contentText, FakeAnthropic } from './support/fake-anthropic.js';
import { createTestApp, storeVariants, TestApp } from './support/test-app.js';

describe.each(storeVariants())('POST /api/v1/chat/ultrafast on the $name store', ({ env }) => {
  let fake: FakeAnthropic;
  let t: TestApp;
  let shared: TestApp;

  beforeAll(async () => {
    fake = await FakeAnthropic.start();
    const model = { ANTHROPIC_BASE_URL: fake.url, ANTHROPIC_API_KEY: 'k' };
    t = await createTestApp({ ...env, ...model, CACHE_TTL_SECONDS: '2' });
    shared = await createTestApp({ ...env, ...model, CACHE_SCOPE: 'global' });
  });

  afterAll(async () => {
    await Promise.all([t.close(), shared.close()]);
    await fake.close();
  });

  beforeEach(() => {
    fake.reset();
    fake.respondWith((req) => ({
      text: `fast: ${contentText(req.body.messages.at(-1)?.content)}`,
    }));
  });

  /** Every test asks its own question, so entries never collide across tests. */
  const unique = (text: string) => `${text} (${randomUUID().slice(0, 8)})`;
  const ask = (app: TestApp, auth: Record<string, string>, body: object) =>
    request(app.http).post('/api/v1/chat/ultrafast').set(auth).send(body).expect(200);

  it('answers with the fast model and a small max_tokens, then serves a repeat from the cache', async () => {
    const question = unique('How many minutes in an hour?');
    const first = await ask(t, t.alice, { message: question });
    expect(first.body).toMatchObject({
      route: 'ultra_fast',
      cached: false,
      model: t.config.llm.fastModel,
    });
    expect(fake.lastRequest().body).toMatchObject({
      model: t.config.llm.fastModel,
      max_tokens: 512,
    });

    const repeat = await ask(t, t.alice, { message: `  ${question.toUpperCase()}  ` });
    expect(repeat.body).toMatchObject({
      route: 'ultra_fast',
      cached: true,
      response: first.body.response,
      usage: { input_tokens: 0, output_tokens: 0 },
    });
    expect(fake.requests).toHaveLength(1);

    const history = await request(t.http).get('/api/v1/conversations/default').set(t.alice);
    const contents = history.body.messages.map((m: { content: string }) => m.content);
    expect(contents.slice(-4)).toEqual([
      question,
      first.body.response,
      `  ${question.toUpperCase()}  `.trim(),
      first.body.response,
    ]);
  });

  it('scopes the cache per user by default and shares it under CACHE_SCOPE=global', async () => {
    const question = unique('What is 5 km in miles?');
    await ask(t, t.alice, { message: question });
    expect((await ask(t, t.bob, { message: question })).body.cached).toBe(false);
    expect(fake.requests).toHaveLength(2);

    fake.reset();
    fake.respondWith(() => ({ text: 'about 3.1 miles' }));
    await ask(shared, shared.alice, { message: question });
    expect((await ask(shared, shared.bob, { message: question })).body.cached).toBe(true);
    expect(fake.requests).toHaveLength(1);
  });

  it('answers a context-free question without history, so it hits whatever came before', async () => {
    const question = unique('What is the boiling point of water?');
    const { body: conversation } = await request(t.http)
      .post('/api/v1/conversations')
      .set(t.alice)
      .send({});
    await ask(t, t.alice, {
      message: 'Tell me about cats',
      conversation_id: conversation.conversation_id,
    });
    await ask(t, t.alice, { message: question, conversation_id: conversation.conversation_id });
    expect(fake.lastRequest().body.messages).toEqual([{ role: 'user', content: question }]);
    const hit = await ask(t, t.alice, { message: question });
    expect(hit.body.cached).toBe(true);
  });

  it('sends the short window to a follow-up, and the same follow-up after different history misses', async () => {
    const follow = 'And Germany?';
    const ids: string[] = [];
    for (const opener of [
      unique('What is the capital of France?'),
      unique('What is the capital of Spain?'),
    ]) {
      const { body } = await request(t.http).post('/api/v1/conversations').set(t.alice).send({});
      ids.push(body.conversation_id);
      await ask(t, t.alice, { message: opener, conversation_id: body.conversation_id });
      const answer = await ask(t, t.alice, {
        message: follow,
        conversation_id: body.conversation_id,
      });
      expect(answer.body.cached).toBe(false);
      expect(fake.lastRequest().body.messages).toEqual([
        { role: 'user', content: opener },
        { role: 'assistant', content: `fast: ${opener}` },
        { role: 'user', content: follow },
      ]);
    }
    expect(fake.requests).toHaveLength(4);
  });

  it('keeps the window to ULTRAFAST_WINDOW_MESSAGES', async () => {
    const { body } = await request(t.http).post('/api/v1/conversations').set(t.alice).send({});
    for (let i = 0; i < 5; i++) {
      await ask(t, t.alice, {
        message: unique(`fact ${i}`),
        conversation_id: body.conversation_id,
      });
    }
    await ask(t, t.alice, {
      message: 'Can you repeat that?',
      conversation_id: body.conversation_id,
    });
    expect(fake.lastRequest().body.messages).toHaveLength(7);
  });

  it('makes one model call for 10 identical concurrent misses', async () => {
    const question = unique('Translate "thank you" to French');
    fake.respondWith(() => ({ delayMs: 300, then: { text: 'merci' } }));
    const responses = await Promise.all(
      Array.from({ length: 10 }, () => ask(t, t.alice, { message: question })),
    );
    expect(fake.requests).toHaveLength(1);
    expect(responses.map((r) => r.body.response)).toEqual(Array(10).fill('merci'));
    expect(responses.filter((r) => r.body.cached === false)).toHaveLength(1);
    const metrics = await request(t.http).get('/metrics');
    expect(metrics.text).toMatch(/ultrafast_single_flight_joins_total [1-9]/);
    expect(metrics.text).toMatch(/ultrafast_cache_lookups_total\{result="hit"\} [1-9]/);
    expect(metrics.text).toMatch(/ultrafast_cache_lookups_total\{result="miss"\} [1-9]/);
  });

  it('expires entries after CACHE_TTL_SECONDS', async () => {
    const question = unique('Define entropy in one line');
    await ask(t, t.alice, { message: question });
    expect((await ask(t, t.alice, { message: question })).body.cached).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 2100));
    expect((await ask(t, t.alice, { message: question })).body.cached).toBe(false);
    expect(fake.requests).toHaveLength(2);
  });

  it('leaves no cached answer that could replay a deleted conversation’s context', async () => {
    const opener = unique('What is the capital of Peru?');
    const play = async () => {
      await ask(t, t.bob, { message: opener });
      return ask(t, t.bob, { message: 'And Chile?' });
    };
    await request(t.http).delete('/api/v1/conversations/default').set(t.bob).expect(204);
    await play();
    expect((await ask(t, t.bob, { message: 'And Chile?' })).body.cached).toBe(false);
    await request(t.http).delete('/api/v1/conversations/default').set(t.bob).expect(204);
    const calls = fake.requests.length;
    const replay = await play();
    expect(replay.body.cached).toBe(false);
    expect(fake.requests.length).toBe(calls + 1);
  });

  it('caches nothing from a history deleted while its answer was being written', async () => {
    const { body } = await request(t.http).post('/api/v1/conversations').set(t.bob).send({});
    const id = (body as { conversation_id: string }).conversation_id;
    await ask(t, t.bob, { message: unique('What is the capital of Peru?'), conversation_id: id });
    fake.enqueue({ delayMs: 300, then: { text: 'Santiago.' } });
    const followUp = request(t.http)
      .post('/api/v1/chat/ultrafast')
      .set(t.bob)
      .send({ message: 'And Chile?', conversation_id: id })
      .then((response) => response);
    while (fake.requests.length < 2) await new Promise((resolve) => setTimeout(resolve, 10));
    await request(t.http).delete(`/api/v1/conversations/${id}`).set(t.bob).expect(204);

    expect((await followUp).status).toBe(404);
    const { derived } = conversationKeys(t.bobId, id);
    expect(await t.app.get(RedisService).batch([['exists', derived]])).toEqual([0]);
  });

  it('does not cache an answer cut by max_tokens', async () => {
    const question = unique('Say something long');
    fake.respondWith(() => ({ text: 'cut', stopReason: 'max_tokens' }));
    await ask(t, t.alice, { message: question });
    expect((await ask(t, t.alice, { message: question })).body.cached).toBe(false);
  });
});

describe('ultrafast single flight across instances', () => {
  it('makes one model call for identical misses on two instances sharing Redis', async () => {
    const fake = await FakeAnthropic.start();
    const env = {
      REDIS_URL: process.env.TEST_REDIS_URL,
      ANTHROPIC_BASE_URL: fake.url,
      ANTHROPIC_API_KEY: 'k',
      CACHE_SCOPE: 'global',
    };
    const [a, b] = await Promise.all([createTestApp(env), createTestApp(env)]);
    try {
      fake.respondWith(() => ({ delayMs: 300, then: { text: 'shared answer' } }));
      const question = `Hello across instances ${randomUUID()}`;
      const responses = await Promise.all(
        [a, b, a, b].map((app) =>
          request(app.http)
            .post('/api/v1/chat/ultrafast')
            .set(app.alice)
            .send({ message: question }),
        ),
      );
      expect(responses.map((r) => r.body.response)).toEqual(Array(4).fill('shared answer'));
      expect(fake.requests).toHaveLength(1);
    } finally {
      await Promise.all([a.close(), b.close()]);
      await fake.close();
    }
  });
});
