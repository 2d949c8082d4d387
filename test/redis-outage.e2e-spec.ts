import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { FakeAnthropic } from './support/fake-anthropic.js';
import { RedisServerHandle, startRedisServer } from './support/redis-server.js';
import { ReplyCuttingProxy } from './support/reply-cutting-proxy.js';
import { createTestApp, TestApp } from './support/test-app.js';

describe('Redis outage', () => {
  let redis: RedisServerHandle;
  let fake: FakeAnthropic;
  let t: TestApp;

  beforeAll(async () => {
    redis = await startRedisServer();
    fake = await FakeAnthropic.start();
    t = await createTestApp({
      REDIS_URL: redis.url,
      ANTHROPIC_BASE_URL: fake.url,
      ANTHROPIC_API_KEY: 'k',
    });
  });

  afterAll(async () => {
    await t.close();
    await fake.close();
    await redis.stop();
  });

  it('answers 503 quickly while Redis is down, and recovers by itself', async () => {
    await request(t.http)
      .post('/api/v1/chat/direct')
      .set(t.alice)
      .send({ message: 'one' })
      .expect(200);

    await redis.stop();
    const started = Date.now();
    const down = await request(t.http)
      .post('/api/v1/chat/direct')
      .set(t.alice)
      .send({ message: 'two' });
    expect(down.status).toBe(503);
    expect(down.body).toMatchObject({ statusCode: 503, error: 'Service Unavailable' });
    // Fails fast rather than queueing until Redis is back: a bound far above the 2 s command timeout.
    expect(Date.now() - started).toBeLessThan(10_000);
    const ready = await request(t.http).get('/health/ready').expect(503);
    expect(ready.body.message).toMatch(/store/);

    await redis.restart();
    let status = 0;
    for (let attempt = 0; attempt < 50 && status !== 200; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      status = (await request(t.http).get('/health/ready')).status;
    }
    expect(status).toBe(200);
    await request(t.http)
      .post('/api/v1/chat/direct')
      .set(t.alice)
      .send({ message: 'three' })
      .expect(200);
  }, 30_000);

  it('answers 503, not 500, when Redis refuses writes (a failover left us on a read-only replica)', async () => {
    const replica = await startRedisServer(['--replicaof', '127.0.0.1', String(redis.port)]);
    const onReplica = await createTestApp({
      REDIS_URL: replica.url,
      ANTHROPIC_BASE_URL: fake.url,
      ANTHROPIC_API_KEY: 'k',
    });
    try {
      const chat = await request(onReplica.http)
        .post('/api/v1/chat/direct')
        .set(onReplica.alice)
        .send({ message: 'hello' });
      expect(chat.status).toBe(503);
      const created = await request(onReplica.http)
        .post('/api/v1/conversations')
        .set(onReplica.alice)
        .send({});
      expect(created.status).toBe(503);
    } finally {
      await onReplica.close();
      await replica.stop();
    }
  });
});

describe('a turn write whose reply is lost with its connection', () => {
  let redis: RedisServerHandle;
  let proxy: ReplyCuttingProxy;
  let fake: FakeAnthropic;
  let t: TestApp;

  beforeAll(async () => {
    redis = await startRedisServer();
    proxy = new ReplyCuttingProxy(redis.port);
    await proxy.start();
    fake = await FakeAnthropic.start();
    t = await createTestApp({
      REDIS_URL: `redis://127.0.0.1:${proxy.port}`,
      ANTHROPIC_BASE_URL: fake.url,
      ANTHROPIC_API_KEY: 'k',
    });
  });

  afterAll(async () => {
    await t.close();
    await fake.close();
    await proxy.close();
    await redis.stop();
  });

  const conversation = async (): Promise<string> => {
    const { body } = await request(t.http).post('/api/v1/conversations').set(t.alice).send({});
    return (body as { conversation_id: string }).conversation_id;
  };
  const messagesOf = async (id: string): Promise<Array<{ content: string }>> => {
    for (let attempt = 0; attempt < 50; attempt++) {
      const response = await request(t.http).get(`/api/v1/conversations/${id}`).set(t.alice);
      if (response.status === 200)
        return (response.body as { messages: Array<{ content: string }> }).messages;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error('the store did not come back');
  };

  it('is reported as unknown and never run twice, with or without an Idempotency-Key', async () => {
    for (const key of [undefined, randomUUID()]) {
      const id = await conversation();
      const marker = `LOST-REPLY-${randomUUID()}`;
      proxy.cutNext(marker);
      const send = () => {
        const post = request(t.http).post('/api/v1/chat/direct').set(t.alice);
        if (key) post.set('Idempotency-Key', key);
        return post.send({ message: marker, conversation_id: id });
      };

      const lost = await send();
      expect(lost.status).toBe(503);
      expect(String((lost.body as { message: string }).message)).toMatch(/may or may not/);
      const stored = (await messagesOf(id)).filter((message) => message.content === marker);
      expect(stored).toHaveLength(1);
      if (key) {
        const retry = await send();
        expect(retry.status).toBe(200);
        expect((await messagesOf(id)).filter((m) => m.content === marker)).toHaveLength(1);
      }
    }
  });
});
