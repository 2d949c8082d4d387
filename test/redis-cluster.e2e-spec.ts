import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { contentText, FakeAnthropic } from './support/fake-anthropic.js';
import { writeMcpConfig } from './support/mcp-tools.js';
import { StoreUnavailableError } from '../src/common/errors.js';
import { IoRedisService } from '../src/redis/ioredis.service.js';
import { closeStore } from './support/stores.js';
import {
  redisServerAvailable,
  ShardedClusterHandle,
  startRedisCluster,
} from './support/redis-server.js';
import { createTestApp, TestApp } from './support/test-app.js';

const clusterSuite = redisServerAvailable() ? describe : describe.skip;
if (!redisServerAvailable()) {
  console.warn(
    'SKIPPED: the Redis Cluster suite needs redis-server and redis-cli on the PATH (.ci/run installs them)',
  );
}

/**
 * Two instances of one deployment on one Redis Cluster (three masters): every key family, every
 * multi-key command, batch and script runs on a real cluster (a cross-slot one would fail), and what is
 * shared between instances — history, lists, the answer cache and its single flight, idempotency
 * records, rate-limit buckets — holds across them.
 */
clusterSuite('two instances on one Redis Cluster', () => {
  let cluster: ShardedClusterHandle;
  let fake: FakeAnthropic;

  const clusterEnv = (extra: Record<string, string> = {}) => ({
    REDIS_CLUSTER_NODES: cluster.nodes,
    ANTHROPIC_BASE_URL: fake.url,
    ANTHROPIC_API_KEY: 'k',
    MCP_CONFIG: writeMcpConfig({}),
    ROUTER_LLM: 'off',
    ...extra,
  });
  /** Two instances sharing their principals. */
  const deploy = (extra: Record<string, string> = {}): Promise<TestApp[]> => {
    const users = randomUUID().slice(0, 8);
    return Promise.all([0, 1].map(() => createTestApp(clusterEnv(extra), { users })));
  };

  beforeAll(async () => {
    [cluster, fake] = await Promise.all([startRedisCluster(), FakeAnthropic.start()]);
  }, 30_000);

  afterAll(async () => {
    await fake.close();
    await cluster.stop();
  });

  beforeEach(() => {
    fake.reset();
    fake.respondWith((req) => ({ text: `re: ${contentText(req.body.messages.at(-1)?.content)}` }));
  });

  describe.each(['user', 'global'])('CACHE_SCOPE=%s', (scope) => {
    let a: TestApp;
    let b: TestApp;

    beforeAll(async () => {
      [a, b] = await deploy({ CACHE_SCOPE: scope });
    }, 30_000);

    afterAll(async () => {
      await Promise.all([a.close(), b.close()]);
    });

    const say = (t: TestApp, path: string, message: string, conversationId?: string) =>
      request(t.http)
        .post(`/api/v1/chat/${path}`)
        .set(t.alice)
        .send({ message, conversation_id: conversationId });

    it('runs conversations, every chat route, /v1 and the cache without a cross-slot error', async () => {
      const api = () => request(a.http);
      const { body: created } = await api().post('/api/v1/conversations').set(a.alice).send({});
      const id = created.conversation_id;

      await say(a, 'direct', 'What is the capital of France?', id).expect(200);
      await say(a, 'ultrafast', 'hello there', id).expect(200);
      expect((await say(a, 'ultrafast', 'hello there', id).expect(200)).body.cached).toBe(true);
      await say(a, 'ultrafast', 'And Germany?', id).expect(200);
      await say(a, 'orchestrated', 'thanks!', id).expect(200);
      await say(a, 'orchestrated/route', 'And Italy?', id).expect(200);
      await say(a, 'mcp-agent', 'Any tools?', id).expect(200);
      await request(a.http)
        .post('/v1/chat/completions')
        .set(a.alice)
        .send({
          model: 'direct',
          messages: [{ role: 'user', content: 'And Spain?' }],
          metadata: { conversation_id: id },
        })
        .expect(200);

      await api()
        .patch(`/api/v1/conversations/${id}`)
        .set(a.alice)
        .send({ title: 'x' })
        .expect(200);
      const list = await api().get('/api/v1/conversations').set(a.alice).expect(200);
      expect(list.body.items[0]).toMatchObject({ conversation_id: id, message_count: 14 });
      await api().delete(`/api/v1/conversations/${id}`).set(a.alice).expect(204);
      await api().get(`/api/v1/conversations/${id}`).set(a.alice).expect(404);
      await api().get('/health/ready').expect(200);
    });

    it('continues a conversation across instances, and both list it', async () => {
      const { body: created } = await request(a.http)
        .post('/api/v1/conversations')
        .set(a.alice)
        .send({ title: 'across' });
      const id = created.conversation_id as string;
      await say(a, 'direct', 'My name is Ada.', id).expect(200);
      await say(b, 'direct', 'What is my name?', id).expect(200);
      // The second instance sent the first one's turn to the model.
      expect(fake.lastRequest().body.messages.map((m) => contentText(m.content))).toEqual([
        'My name is Ada.',
        're: My name is Ada.',
        'What is my name?',
      ]);
      await say(a, 'ultrafast', 'And what was my question?', id).expect(200);

      const history = await request(b.http).get(`/api/v1/conversations/${id}`).set(b.alice);
      expect(history.body.messages.map((m: { content: string }) => m.content)).toEqual([
        'My name is Ada.',
        're: My name is Ada.',
        'What is my name?',
        're: What is my name?',
        'And what was my question?',
        're: And what was my question?',
      ]);
      for (const t of [a, b]) {
        const list = await request(t.http).get('/api/v1/conversations').set(t.alice).expect(200);
        expect(list.body.items[0]).toMatchObject({
          conversation_id: id,
          title: 'across',
          message_count: 6,
        });
      }
    });

    it('serves an answer cached by one instance as a hit on the other', async () => {
      const question = `What is the boiling point of water? ${randomUUID()}`;
      expect((await say(a, 'ultrafast', question).expect(200)).body.cached).toBe(false);
      const hit = await say(b, 'ultrafast', question).expect(200);
      expect(hit.body).toMatchObject({ cached: true, response: `re: ${question}` });
      expect(fake.requests).toHaveLength(1);
    });

    it('makes one model call for identical concurrent misses on both instances', async () => {
      fake.respondWith(() => ({ delayMs: 300, then: { text: 'shared answer' } }));
      const question = `Hello across instances ${randomUUID()}`;
      const responses = await Promise.all([a, b, a, b].map((t) => say(t, 'ultrafast', question)));
      expect(responses.map((r) => [r.status, r.body.response])).toEqual(
        Array(4).fill([200, 'shared answer']),
      );
      expect(fake.requests).toHaveLength(1);
    });
  });

  it('holds an Idempotency-Key across instances: 409 while it runs, then the first answer', async () => {
    const [a, b] = await deploy();
    try {
      const key = randomUUID();
      const chat = (t: TestApp, message: string) =>
        request(t.http)
          .post('/api/v1/chat/direct')
          .set(t.alice)
          .set('Idempotency-Key', key)
          .send({ message });
      fake.respondWith(() => ({ delayMs: 300, then: { text: 'once' } }));
      // supertest sends on `then`: this one starts now.
      const first = chat(a, 'Only once').then((response) => response);
      await new Promise((resolve) => setTimeout(resolve, 100));
      await chat(b, 'Only once').expect(409);
      const done = await first;
      expect(done.status).toBe(200);

      const repeat = await chat(b, 'Only once').expect(200);
      expect(repeat.body).toEqual(done.body);
      await chat(b, 'Another body').expect(422);
      expect(fake.requests).toHaveLength(1);
      const history = await request(b.http).get('/api/v1/conversations/default').set(b.alice);
      expect(history.body.messages).toHaveLength(2);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('shares an escalated routing decision across instances', async () => {
    const [a, b] = await deploy({ ROUTER_LLM: 'on' });
    try {
      fake.respondWith((req) =>
        req.body.tool_choice?.type === 'tool'
          ? {
              toolUses: [
                {
                  name: req.body.tool_choice.name,
                  input: { route: 'direct_llm', needs_history: false, reason: 'vague' },
                },
              ],
            }
          : { text: 'a direct answer' },
      );
      // Each in a new conversation, so both routers see the message alone.
      const routed = async (t: TestApp) => {
        const { body } = await request(t.http).post('/api/v1/conversations').set(t.alice).send({});
        return request(t.http)
          .post('/api/v1/chat/orchestrated')
          .set(t.alice)
          .send({ message: 'the thing', conversation_id: body.conversation_id })
          .expect(200);
      };
      expect((await routed(a)).body.routing.decided_by).toBe('llm');
      expect((await routed(b)).body.routing.decided_by).toBe('llm');
      // One escalation, then two answers: the second instance read the first one's decision.
      expect(fake.requests.map((req) => req.body.tool_choice?.type ?? 'answer')).toEqual([
        'tool',
        'answer',
        'answer',
      ]);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('answers a batch refused with MOVED (a stale slot map) as unavailable, then follows the slot', async () => {
    const store = new IoRedisService({
      clusterNodes: cluster.nodes.split(',').map((node) => {
        const [host, port] = node.split(':');
        return { host, port: Number(port) };
      }),
    });
    await store.connect();
    try {
      const key = `chat:{moved-${randomUUID()}}:probe`;
      await store.batch([['get', key]]);
      await cluster.moveSlot(key);
      // PING needs no slot and succeeds, so ioredis cannot resend the batch whole: the MOVED is ours.
      // It used to surface as a 500.
      await expect(store.batch([['ping'], ['get', key]])).rejects.toBeInstanceOf(
        StoreUnavailableError,
      );
      await store.batch([['set', key, 'here']]);
      expect(await store.batch([['ping'], ['get', key]])).toEqual(['PONG', 'here']);
    } finally {
      await closeStore(store);
    }
  });

  it('holds RATE_LIMIT_PER_MINUTE across instances', async () => {
    const [a, b] = await deploy({ RATE_LIMIT_PER_MINUTE: '5' });
    try {
      for (const t of [a, b, a, b, a]) {
        await request(t.http)
          .post('/api/v1/chat/direct')
          .set(t.alice)
          .send({ message: 'hi' })
          .expect(200);
      }
      for (const t of [b, a]) {
        const limited = await request(t.http).get('/api/v1/conversations').set(t.alice);
        expect(limited.status).toBe(429);
        expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      }
      // Another principal has a bucket of its own (in another slot, most likely).
      await request(b.http).get('/api/v1/conversations').set(b.bob).expect(200);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});
