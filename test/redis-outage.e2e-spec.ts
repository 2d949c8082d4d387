import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { FakeAnthropic } from './support/fake-anthropic.js';
import { RedisServerHandle, startRedisServer } from './support/redis-server.js';
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
