import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { FakeAnthropic, FakeReply } from './support/fake-anthropic.js';
import { RedisServerHandle, startRedisServer } from './support/redis-server.js';
import { listen } from './support/sse-client.js';
import { createTestApp, TestApp } from './support/test-app.js';

/** A small deterministic PRNG, so a failing mix can be replayed. */
function prng(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

const PATHS = ['direct', 'ultrafast', 'orchestrated', 'mcp-agent'];

/**
 * Many concurrent turns under faults — provider errors and hangs, clients that leave, a Redis restart
 * in the middle — and then the books must balance: every turn answered 2xx is in its conversation's
 * history exactly once with its user message, and nothing else is.
 */
describe('turns under load and faults', () => {
  let redis: RedisServerHandle;
  let fake: FakeAnthropic;
  let t: TestApp;
  let base: string;

  beforeAll(async () => {
    // Acknowledged writes survive the restart in the middle, as on a persistent production Redis.
    const dir = mkdtempSync(join(tmpdir(), 'redis-aof-'));
    redis = await startRedisServer([
      '--appendonly',
      'yes',
      '--appendfsync',
      'always',
      '--dir',
      dir,
    ]);
    fake = await FakeAnthropic.start();
    t = await createTestApp({
      REDIS_URL: redis.url,
      ANTHROPIC_BASE_URL: fake.url,
      ANTHROPIC_API_KEY: 'k',
      LLM_TIMEOUT_MS: '2000',
      RATE_LIMIT_PER_MINUTE: '100000',
      ROUTER_LLM: 'off',
    });
    base = await listen(t);
  });

  afterAll(async () => {
    // Every request has been answered; what is left are this process's kept-alive fetch sockets,
    // some of which (after the aborts and the outage) Fastify's close does not count as idle.
    t.http.closeAllConnections();
    await t.close();
    await fake.close();
    await redis.stop();
  });

  it('stores every 2xx turn once, and no turn whose client was told it failed', async () => {
    const random = prng(42);
    fake.respondWith((): FakeReply => {
      const roll = random();
      if (roll < 0.15) return { error: { status: 400 } };
      if (roll < 0.25) return { delayMs: 3_000, then: { text: 'too late' } };
      return { delayMs: Math.floor(random() * 40), then: { text: `answer ${roll.toFixed(6)}` } };
    });
    const conversations = await Promise.all(
      [0, 1, 2].map(async () => {
        const { body } = await request(t.http).post('/api/v1/conversations').set(t.alice).send({});
        return (body as { conversation_id: string }).conversation_id;
      }),
    );

    // Redis goes away in the middle of it all: once enough turns were answered that the books mean
    // something, whatever the machine's load does to the pace.
    let answeredBeforeOutage = 0;
    let startOutage = (): void => undefined;
    const outageDue = new Promise<void>((resolve) => (startOutage = resolve));
    const sends = Array.from({ length: 90 }, async (_, i) => {
      await new Promise((resolve) => setTimeout(resolve, i * 15));
      const conversationId = conversations[i % 3];
      const controller = new AbortController();
      if (random() < 0.1) setTimeout(() => controller.abort(), 20 + random() * 100);
      try {
        const response = await fetch(`${base}/api/v1/chat/${PATHS[i % PATHS.length]}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', ...t.alice },
          body: JSON.stringify({ message: `question ${i}`, conversation_id: conversationId }),
          signal: controller.signal,
        });
        const body = (await response.json()) as { message_id?: string; message?: string };
        const unknown = response.status === 503 && /may or may not/.test(String(body.message));
        if (response.status === 200 && ++answeredBeforeOutage === 21) startOutage();
        return { conversationId, status: response.status, messageId: body.message_id, i, unknown };
      } catch {
        // The client left: its turn is stored only if it completed before the client went.
        return { conversationId, status: 0, messageId: undefined, i, unknown: true };
      }
    });
    const outage = (async () => {
      await outageDue;
      await redis.stop();
      await new Promise((resolve) => setTimeout(resolve, 300));
      await redis.restart();
    })();
    const results = await Promise.all(sends);
    startOutage();
    await outage;

    const statuses = new Set(results.map((result) => result.status));
    expect([...statuses].every((status) => [0, 200, 404, 502, 503, 504].includes(status))).toBe(
      true,
    );
    const answered = results.filter((result) => result.status === 200);
    expect(answered.length).toBeGreaterThan(20);
    expect(results.some((result) => result.status !== 200)).toBe(true);

    // Redis is back: wait until it serves reads again, then balance the books.
    let ready = 0;
    for (let attempt = 0; ready !== 200 && attempt < 100; attempt++) {
      ready = (await request(t.http).get('/health/ready')).status;
      if (ready !== 200) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    for (const conversationId of conversations) {
      const { body } = await request(t.http)
        .get(`/api/v1/conversations/${conversationId}?limit=1000`)
        .set(t.alice)
        .expect(200);
      const messages = (
        body as { messages: Array<{ message_id: string; role: string; content: string }> }
      ).messages;
      const mine = results.filter((result) => result.conversationId === conversationId);
      // Every answer right after its own question.
      for (let at = 0; at < messages.length; at += 2) {
        expect(messages[at].role).toBe('user');
        expect(messages[at + 1].role).toBe('assistant');
      }
      const storedQuestions = messages
        .filter((message) => message.role === 'user')
        .map((message) => message.content);
      expect(new Set(storedQuestions).size).toBe(storedQuestions.length);
      // Every 2xx is stored, with the message id the client was given...
      const storedAnswers = new Set(messages.map((message) => message.message_id));
      for (const result of mine.filter((result) => result.status === 200)) {
        expect(storedAnswers.has(result.messageId as string)).toBe(true);
      }
      // ...and nothing else is, except what the client was told may have been saved, or left before
      // it could be told (a turn completed just as its client disconnected).
      const mayBeStored = new Set(
        mine
          .filter((result) => result.status === 200 || result.unknown)
          .map((result) => `question ${result.i}`),
      );
      expect(storedQuestions.filter((question) => !mayBeStored.has(question))).toEqual([]);
    }
  }, 60_000);
});
