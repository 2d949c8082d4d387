import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { FakeAnthropic } from './support/fake-anthropic.js';
import { createTestApp, TestApp } from './support/test-app.js';

describe('RATE_LIMIT_PER_MINUTE, shared by two instances on one Redis', () => {
  let fake: FakeAnthropic;
  let first: TestApp;
  let second: TestApp;
  let solo: TestApp;

  beforeAll(async () => {
    fake = await FakeAnthropic.start();
    const env = {
      REDIS_URL: process.env.TEST_REDIS_URL,
      ANTHROPIC_BASE_URL: fake.url,
      ANTHROPIC_API_KEY: 'k',
      RATE_LIMIT_PER_MINUTE: '5',
    };
    const users = randomUUID().slice(0, 8);
    [first, second, solo] = await Promise.all([
      createTestApp(env, { users }),
      createTestApp(env, { users }),
      createTestApp({ ...env, REDIS_URL: undefined }),
    ]);
  });

  afterAll(async () => {
    await Promise.all([first.close(), second.close(), solo.close()]);
    await fake.close();
  });

  const chat = (t: TestApp, auth: Record<string, string>, body: object) =>
    request(t.http).post('/api/v1/chat/direct').set(auth).send(body);

  it('counts every authenticated request of a principal across instances, then 429 with Retry-After', async () => {
    await chat(first, first.alice, { message: 'one' }).expect(200);
    await chat(second, second.alice, { message: 'two' }).expect(200);
    await request(first.http).get('/api/v1/conversations').set(first.alice).expect(200);
    await request(second.http).get('/api/v1/tools').set(second.alice).expect(200);
    await request(first.http)
      .post('/api/v1/chat/orchestrated/route')
      .set(first.alice)
      .send({ message: 'hi' })
      .expect(200);

    const limited = await chat(second, second.alice, { message: 'six' }).expect(429);
    expect(limited.body).toMatchObject({
      statusCode: 429,
      error: 'Too Many Requests',
      message: expect.stringContaining('5 requests a minute'),
    });
    const retryAfter = Number(limited.headers['retry-after']);
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    await request(first.http).get('/api/v1/conversations').set(first.alice).expect(429);

    // Another principal, the operations routes and refused requests are not held back.
    await chat(first, first.bob, { message: 'bob is fine' }).expect(200);
    await request(first.http).get('/health/live').expect(200);
    await request(first.http).get('/api/v1/conversations').expect(401);
  });

  it('counts a chat request refused as invalid, and limits before telling a conversation is missing', async () => {
    for (let i = 0; i < 2; i++) await chat(solo, solo.alice, { message: ' ' }).expect(400);
    for (let i = 0; i < 3; i++) await chat(solo, solo.alice, { message: `ok ${i}` }).expect(200);
    await chat(solo, solo.alice, { message: 'over' }).expect(429);
    await chat(solo, solo.alice, { message: 'over', conversation_id: 'c_missing' }).expect(429);
    // Over the limit, an invalid request learns when to come back too.
    const refused = await chat(solo, solo.alice, { message: ' ' }).expect(429);
    expect(refused.headers['retry-after']).toBeDefined();
  });

  it("counts a /v1 completion for an unknown model, and answers 429 in OpenAI's shape", async () => {
    const complete = (model: string) =>
      request(solo.http)
        .post('/v1/chat/completions')
        .set(solo.bob)
        .send({ model, messages: [{ role: 'user', content: 'hi' }] });
    for (let i = 0; i < 4; i++) await complete('gpt-4o').expect(404);
    await complete('direct').expect(200);
    const limited = await complete('direct').expect(429);
    expect(limited.body).toMatchObject({ error: { type: 'rate_limit_error' } });
    expect(limited.headers['retry-after']).toBeDefined();
    await complete('gpt-4o').expect(429);
  });

  it('holds on the embedded store too, and a streamed turn over the limit is a plain 429', async () => {
    const limited = await chat(solo, solo.alice, { message: 'still over', stream: true });
    expect(limited.status).toBe(429);
    expect(limited.headers['content-type']).toMatch(/^application\/json/);
    expect(limited.headers['retry-after']).toBeDefined();
  });
});
