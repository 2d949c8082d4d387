import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { contentText, FakeAnthropic } from './support/fake-anthropic.js';
import { writeMcpConfig } from './support/mcp-tools.js';
import { RedisClusterHandle, startRedisCluster } from './support/redis-server.js';
import { createTestApp, TestApp } from './support/test-app.js';

/** Every multi-key command, batch and script must stay in one slot: this runs them on a real cluster. */
describe.each(['user', 'global'])('on Redis Cluster (CACHE_SCOPE=%s)', (scope) => {
  let cluster: RedisClusterHandle;
  let fake: FakeAnthropic;
  let t: TestApp;

  beforeAll(async () => {
    cluster = await startRedisCluster();
    fake = await FakeAnthropic.start();
    t = await createTestApp({
      REDIS_CLUSTER_NODES: cluster.nodes,
      ANTHROPIC_BASE_URL: fake.url,
      ANTHROPIC_API_KEY: 'k',
      CACHE_SCOPE: scope,
      MCP_CONFIG: writeMcpConfig({}),
      ROUTER_LLM: 'off',
    });
  }, 30_000);

  afterAll(async () => {
    await t.close();
    await fake.close();
    await cluster.stop();
  });

  it('runs conversations, every chat route and the cache without a cross-slot error', async () => {
    fake.respondWith((req) => ({ text: `re: ${contentText(req.body.messages.at(-1)?.content)}` }));
    const api = () => request(t.http);
    const { body: created } = await api().post('/api/v1/conversations').set(t.alice).send({});
    const id = created.conversation_id;
    const say = (path: string, message: string) =>
      api().post(`/api/v1/chat/${path}`).set(t.alice).send({ message, conversation_id: id });

    await say('direct', 'What is the capital of France?').expect(200);
    await say('ultrafast', 'hello there').expect(200);
    expect((await say('ultrafast', 'hello there').expect(200)).body.cached).toBe(true);
    await say('ultrafast', 'And Germany?').expect(200);
    await say('orchestrated', 'thanks!').expect(200);
    await say('orchestrated/route', 'And Italy?').expect(200);

    await api().patch(`/api/v1/conversations/${id}`).set(t.alice).send({ title: 'x' }).expect(200);
    const list = await api().get('/api/v1/conversations').set(t.alice).expect(200);
    expect(list.body.items[0]).toMatchObject({ conversation_id: id, message_count: 10 });
    await api().delete(`/api/v1/conversations/${id}`).set(t.alice).expect(204);
    await api().get(`/api/v1/conversations/${id}`).set(t.alice).expect(404);
    await api().get('/health/ready').expect(200);
  });
});
