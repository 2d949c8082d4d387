import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import request from 'supertest';
import { FakeAnthropic } from './support/fake-anthropic.js';
import { RedisServerHandle, startRedisServer } from './support/redis-server.js';
import { collect, deltaText, listen, postSse } from './support/sse-client.js';
import { createTestApp, storeVariants, TestApp } from './support/test-app.js';

type Body = { message_id: string; response: string; statusCode?: number; message?: string };

describe.each(storeVariants())('Idempotency-Key on the $name store', ({ env }) => {
  let fake: FakeAnthropic;
  let t: TestApp;

  beforeAll(async () => {
    fake = await FakeAnthropic.start();
    t = await createTestApp({ ...env, ANTHROPIC_BASE_URL: fake.url, ANTHROPIC_API_KEY: 'k' });
  });

  afterAll(async () => {
    await t.close();
    await fake.close();
  });

  beforeEach(() => fake.reset());

  const newConversation = async (auth = t.alice): Promise<string> => {
    const { body } = await request(t.http).post('/api/v1/conversations').set(auth).send({});
    return (body as { conversation_id: string }).conversation_id;
  };
  const chat = (body: object, key: string, auth = t.alice, path = 'direct') =>
    request(t.http).post(`/api/v1/chat/${path}`).set(auth).set('Idempotency-Key', key).send(body);
  const turnsIn = async (id: string, auth = t.alice): Promise<number> => {
    const { body } = await request(t.http).get(`/api/v1/conversations/${id}`).set(auth);
    return (body as { messages: unknown[] }).messages.length / 2;
  };

  it('answers a completed repeat with the first response: no model call, no second turn', async () => {
    const id = await newConversation();
    const key = randomUUID();
    fake.enqueue({ text: 'Paris.' });
    const first = await chat({ message: 'Capital of France?', conversation_id: id }, key);
    expect(first.status).toBe(200);
    const repeat = await chat({ message: 'Capital of France?', conversation_id: id }, key);
    expect(repeat.status).toBe(200);
    expect(repeat.body).toEqual(first.body);
    expect(fake.requests).toHaveLength(1);
    expect(await turnsIn(id)).toBe(1);
  });

  it('streams a completed repeat as start, one delta with the whole text, done', async () => {
    const id = await newConversation();
    const key = randomUUID();
    fake.enqueue({ text: 'A long answer, written once.' });
    const first = (await chat({ message: 'Tell me', conversation_id: id }, key)).body as Body;
    const base = await listen(t);
    const events = await collect(
      (
        await postSse(
          base,
          '/api/v1/chat/direct',
          { message: 'Tell me', conversation_id: id, stream: true },
          { ...t.alice, 'Idempotency-Key': key },
        )
      ).events,
    );
    expect(events.map((event) => event.event)).toEqual(['start', 'delta', 'done']);
    expect(deltaText(events)).toBe(first.response);
    expect((events[2].data as Body).message_id).toBe(first.message_id);
    expect(fake.requests).toHaveLength(1);
  });

  it('lets one of many concurrent duplicates run: the others get 409 or the same answer', async () => {
    const id = await newConversation();
    const key = randomUUID();
    fake.enqueue({ delayMs: 300, then: { text: 'once' } });
    const responses = await Promise.all(
      Array.from({ length: 8 }, () => chat({ message: 'Only once', conversation_id: id }, key)),
    );
    const ok = responses.filter((response) => response.status === 200);
    const conflicts = responses.filter((response) => response.status === 409);
    expect(ok.length + conflicts.length).toBe(8);
    expect(new Set(ok.map((response) => (response.body as Body).message_id)).size).toBe(1);
    expect(conflicts[0]?.body).toMatchObject({ statusCode: 409 });
    expect(fake.requests).toHaveLength(1);
    expect(await turnsIn(id)).toBe(1);
  });

  it('refuses the same key with another body or on another endpoint: 422', async () => {
    const key = randomUUID();
    fake.enqueue({ text: 'first' });
    await chat({ message: 'One question' }, key).expect(200);
    const otherBody = await chat({ message: 'Another question' }, key).expect(422);
    expect(otherBody.body).toMatchObject({ statusCode: 422, error: 'Unprocessable Entity' });
    await chat({ message: 'One question' }, key, t.alice, 'ultrafast').expect(422);
    expect(fake.requests).toHaveLength(1);
  });

  it('releases the key when the first attempt failed, so the retry runs anew', async () => {
    const id = await newConversation();
    const key = randomUUID();
    fake.enqueue({ error: { status: 400, message: 'bad request' } }, { text: 'second time lucky' });
    await chat({ message: 'Try me', conversation_id: id }, key).expect(502);
    const retry = await chat({ message: 'Try me', conversation_id: id }, key).expect(200);
    expect((retry.body as Body).response).toBe('second time lucky');
    expect(await turnsIn(id)).toBe(1);
  });

  it('mixes requests with and without a key on one conversation', async () => {
    const id = await newConversation();
    fake.respondWith(() => ({ text: 'fine' }));
    const plain = () =>
      request(t.http)
        .post('/api/v1/chat/direct')
        .set(t.alice)
        .send({ message: 'plain', conversation_id: id });
    await plain().expect(200);
    await chat({ message: 'keyed', conversation_id: id }, randomUUID()).expect(200);
    await plain().expect(200);
    await chat({ message: 'keyed again', conversation_id: id }, randomUUID()).expect(200);
    expect(await turnsIn(id)).toBe(4);
  });

  it('gives the key back after a 404, and counts `default` as the conversation it names', async () => {
    const key = randomUUID();
    await chat({ message: 'Where?', conversation_id: 'c_doesnotexist' }, key).expect(404);
    const id = await newConversation();
    await chat({ message: 'Where?', conversation_id: id }, key).expect(200);

    const other = randomUUID();
    fake.enqueue({ text: 'to default' });
    const first = await chat({ message: 'Default one' }, other).expect(200);
    const named = await chat({ message: 'Default one', conversation_id: 'default' }, other).expect(
      200,
    );
    expect((named.body as Body).message_id).toBe((first.body as Body).message_id);
  });

  it('keeps keys per principal', async () => {
    const key = randomUUID();
    fake.enqueue({ text: 'for alice' }, { text: 'for bob' });
    const alice = await chat({ message: 'Same words' }, key).expect(200);
    const bob = await chat({ message: 'Same words' }, key, t.bob).expect(200);
    expect((bob.body as Body).response).toBe('for bob');
    expect((bob.body as Body).message_id).not.toBe((alice.body as Body).message_id);
  });

  it.each([[''], ['x'.repeat(129)], ['has space'], ['é']])(
    'refuses the malformed key %j with 400',
    async (key) => {
      const response = await request(t.http)
        .post('/api/v1/chat/direct')
        .set(t.alice)
        .set('Idempotency-Key', key)
        .send({ message: 'hi' });
      expect(response.status).toBe(400);
      expect(fake.requests).toHaveLength(0);
    },
  );
});

describe('an ambiguous write (Redis pauses writes mid-turn)', () => {
  let redis: RedisServerHandle;
  let admin: Redis;
  let fake: FakeAnthropic;
  let t: TestApp;

  beforeAll(async () => {
    redis = await startRedisServer();
    admin = new Redis(redis.url);
    fake = await FakeAnthropic.start();
    t = await createTestApp({
      REDIS_URL: redis.url,
      ANTHROPIC_BASE_URL: fake.url,
      ANTHROPIC_API_KEY: 'k',
    });
  });

  afterAll(async () => {
    await t.close();
    admin.disconnect();
    await fake.close();
    await redis.stop();
  });

  it('says the outcome is unknown, and a retry with the same key never duplicates the turn', async () => {
    const { body } = await request(t.http).post('/api/v1/conversations').set(t.alice).send({});
    const id = (body as { conversation_id: string }).conversation_id;
    const key = randomUUID();
    fake.enqueue({ delayMs: 200, then: { text: 'stored late' } });
    const pending = request(t.http)
      .post('/api/v1/chat/direct')
      .set(t.alice)
      .set('Idempotency-Key', key)
      .send({ message: 'During a failover', conversation_id: id })
      .then((response) => response);
    while (fake.requests.length < 1) await new Promise((resolve) => setTimeout(resolve, 10));
    // The turn's write waits behind the pause longer than the 2 s command timeout, then lands.
    await admin.call('CLIENT', 'PAUSE', '3000', 'WRITE');

    const unknown = await pending;
    expect(unknown.status).toBe(503);
    expect((unknown.body as Body).message).toMatch(/may or may not/);
    expect(unknown.headers['x-should-retry']).toBe('false');

    let retry = await request(t.http)
      .post('/api/v1/chat/direct')
      .set(t.alice)
      .set('Idempotency-Key', key)
      .send({ message: 'During a failover', conversation_id: id });
    for (let attempt = 0; retry.status !== 200 && attempt < 60; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      retry = await request(t.http)
        .post('/api/v1/chat/direct')
        .set(t.alice)
        .set('Idempotency-Key', key)
        .send({ message: 'During a failover', conversation_id: id });
    }
    expect(retry.status).toBe(200);
    expect((retry.body as Body).response).toBe('stored late');
    expect(fake.requests).toHaveLength(1);
    const conversation = await request(t.http).get(`/api/v1/conversations/${id}`).set(t.alice);
    expect((conversation.body as { messages: unknown[] }).messages).toHaveLength(2);
  });
});
