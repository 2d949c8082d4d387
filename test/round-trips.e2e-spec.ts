import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { MemoryStoreService } from '../src/redis/memory-store.service.js';
import { StoreCommand, StoreScript, StoreValue } from '../src/redis/redis.service.js';
import { FakeAnthropic } from './support/fake-anthropic.js';
import { createTestApp, TestApp } from './support/test-app.js';

/** The embedded store, counting round trips (one per batch, transaction or script). */
class CountingStore extends MemoryStoreService {
  trips = 0;

  override batch(commands: StoreCommand[]): Promise<unknown[]> {
    this.trips++;
    return super.batch(commands);
  }

  override transaction(commands: StoreCommand[]): Promise<unknown[]> {
    this.trips++;
    return super.transaction(commands);
  }

  override runScript(script: StoreScript, keys: string[], args: StoreValue[]): Promise<unknown> {
    this.trips++;
    return super.runScript(script, keys, args);
  }
}

describe('store round trips per turn', () => {
  const store = new CountingStore();
  let fake: FakeAnthropic;
  let t: TestApp;

  beforeAll(async () => {
    fake = await FakeAnthropic.start();
    t = await createTestApp({ ANTHROPIC_BASE_URL: fake.url, ANTHROPIC_API_KEY: 'k' }, { store });
  });

  afterAll(async () => {
    await t.close();
    await fake.close();
  });

  beforeEach(() => {
    store.trips = 0;
  });

  const chat = (path: string, message: string) =>
    request(t.http).post(`/api/v1/chat/${path}`).set(t.alice).send({ message }).expect(200);

  it('a direct turn costs two: read the window and ownership, write the turn', async () => {
    await chat('direct', 'Explain recursion');
    expect(store.trips).toBe(2);
  });

  it('an ultrafast cache hit costs two: the window with the cached answer, then the turn', async () => {
    await chat('ultrafast', 'What is 2 + 2?');
    store.trips = 0;
    const hit = await chat('ultrafast', 'What is 2 + 2?');
    expect(hit.body.cached).toBe(true);
    expect(store.trips).toBe(2);
  });

  it('an orchestrated turn routed locally costs the same two as its route', async () => {
    const answer = await chat(
      'orchestrated',
      'Explain in depth how TCP congestion control works, with examples of each phase.',
    );
    expect(answer.body.route).toBe('direct_llm');
    expect(answer.body.routing.decided_by).toMatch(/rules|classifier/);
    expect(store.trips).toBe(2);
  });

  it('a stateless OpenAI completion costs one: the rate limit, nothing read or stored', async () => {
    await request(t.http)
      .post('/v1/chat/completions')
      .set(t.alice)
      .send({ model: 'direct', messages: [{ role: 'user', content: 'Explain recursion' }] })
      .expect(200);
    expect(store.trips).toBe(1);
  });
});
