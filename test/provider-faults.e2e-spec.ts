import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { FakeAnthropic, FakeReply } from './support/fake-anthropic.js';
import { collect, deltaText, listen, postSse, SseEvent } from './support/sse-client.js';
import { createTestApp, TestApp } from './support/test-app.js';

/**
 * Provider faults the SDK leaves to us, and the contract: transient failures (429, 529, 5xx,
 * dropped connections) are retried at least twice with backoff, honouring retry-after, within
 * LLM_TIMEOUT_MS, before the 502 or 504.
 */
describe('model provider faults', () => {
  let fake: FakeAnthropic;
  let t: TestApp;
  let base: string;

  beforeAll(async () => {
    fake = await FakeAnthropic.start();
    t = await createTestApp({
      ANTHROPIC_BASE_URL: fake.url,
      ANTHROPIC_API_KEY: 'test-key',
      LLM_TIMEOUT_MS: '20000',
    });
    base = await listen(t);
  });

  afterAll(async () => {
    await t.close();
    await fake.close();
  });

  beforeEach(() => fake.reset());

  const chat = (body: object) =>
    request(t.http).post('/api/v1/chat/direct').set(t.alice).send(body);
  const stream = (body: object) =>
    postSse(base, '/api/v1/chat/direct', { ...body, stream: true }, t.alice);

  /** Replies in order, recording when each request arrived. */
  function script(...replies: FakeReply[]): number[] {
    const arrivals: number[] = [];
    fake.respondWith(() => {
      arrivals.push(performance.now());
      return replies[arrivals.length - 1];
    });
    return arrivals;
  }

  describe('JSON requests', () => {
    it('retries a response whose body was cut mid-way, and answers', async () => {
      script({ dropMidBody: true }, { text: 'Answered after the drop.' });
      const { body } = await chat({ message: 'hi' }).expect(200);

      expect(body.response).toBe('Answered after the drop.');
      expect(fake.requests).toHaveLength(2);
      expect(fake.requests[0].aborted).toBe(true);
    });

    it('502 after at least 3 attempts when the body is cut every time', async () => {
      fake.respondWith(() => ({ dropMidBody: true }));
      const response = await chat({ message: 'hi' }).expect(502);

      expect(response.body).toMatchObject({ statusCode: 502, error: 'Bad Gateway' });
      expect(response.body.message).toMatch(/model provider failed/);
      expect(fake.requests.length).toBeGreaterThanOrEqual(3);
    });

    it('502 after at least 3 attempts when the connection drops before the headers every time', async () => {
      fake.respondWith(() => ({ drop: true }));
      await chat({ message: 'hi' }).expect(502);

      expect(fake.requests.length).toBeGreaterThanOrEqual(3);
    });

    it('502, not 500, for a 200 whose body is not JSON, without quoting the body', async () => {
      fake.enqueue({ malformedBody: true });
      const response = await chat({ message: 'hi' }).expect(502);

      expect(response.body).toMatchObject({ statusCode: 502, error: 'Bad Gateway' });
      expect(response.body.message).toMatch(/model provider failed: malformed response/);
      expect(JSON.stringify(response.body)).not.toMatch(/html|upstream proxy/);
    });

    it('honours retry-after on a 529 and answers', async () => {
      const arrivals = script(
        { error: { status: 529, retryAfterSeconds: 1 } },
        { text: 'Answered after waiting.' },
      );
      const { body } = await chat({ message: 'hi' }).expect(200);

      expect(body.response).toBe('Answered after waiting.');
      expect(arrivals).toHaveLength(2);
      // The SDK's own backoff would be 0.5 s at most; retry-after asked for 1 s.
      expect(arrivals[1] - arrivals[0]).toBeGreaterThanOrEqual(950);
    });

    it('retries a mix of faults (5xx, dropped connections) and answers', async () => {
      script(
        { error: { status: 503 } },
        { drop: true },
        { dropMidBody: true },
        { text: 'Answered in the end.' },
      );
      const { body } = await chat({ message: 'hi' }).expect(200);

      expect(body.response).toBe('Answered in the end.');
      expect(fake.requests).toHaveLength(4);
    });
  });

  describe('streamed requests', () => {
    const answer = 'A streamed answer that arrives whole.';

    it('retries a stream dropped before its first text delta, and streams the answer once', async () => {
      // message_start, ping, content_block_start: then the socket is dropped.
      script({ text: answer, failMidStream: { afterEvents: 3, how: 'drop' } }, { text: answer });
      const events = await collect((await stream({ message: 'hi' })).events);

      const done = events.at(-1) as SseEvent;
      expect(done.event).toBe('done');
      expect((done.data as { response: string }).response).toBe(answer);
      expect(deltaText(events)).toBe(answer);
      expect(fake.requests).toHaveLength(2);
    });

    it('retries a stream cut mid-body before any text, and a transient error event', async () => {
      script(
        { dropMidBody: true, text: 'x' },
        { text: answer, failMidStream: { afterEvents: 2, how: 'error-event' } },
        { text: answer },
      );
      const events = await collect((await stream({ message: 'hi' })).events);

      expect(events.at(-1)?.event).toBe('done');
      expect(deltaText(events)).toBe(answer);
      expect(fake.requests).toHaveLength(3);
    });

    it('does not retry once text has been streamed: an error event with 502', async () => {
      // message_start, ping, content_block_start and two text deltas reach the client first.
      script({ text: answer, failMidStream: { afterEvents: 5, how: 'drop' } }, { text: answer });
      const events = await collect((await stream({ message: 'hi' })).events);

      expect(events[0].event).toBe('start');
      expect(deltaText(events).length).toBeGreaterThan(0);
      const last = events.at(-1) as SseEvent;
      expect(last.event).toBe('error');
      expect(last.data).toEqual({
        statusCode: 502,
        message: expect.stringContaining('model provider failed'),
        request_id: expect.any(String),
      });
      expect(fake.requests).toHaveLength(1);
    });

    it('ends in an error event with 502 after at least 3 attempts when every stream drops', async () => {
      fake.respondWith(() => ({ text: answer, failMidStream: { afterEvents: 3, how: 'drop' } }));
      const events = await collect((await stream({ message: 'hi' })).events);

      const last = events.at(-1) as SseEvent;
      expect(last.event).toBe('error');
      expect((last.data as { statusCode: number }).statusCode).toBe(502);
      expect(deltaText(events)).toBe('');
      expect(fake.requests.length).toBeGreaterThanOrEqual(3);
    });
  });
});

describe('retries stay within LLM_TIMEOUT_MS', () => {
  let fake: FakeAnthropic;
  let t: TestApp;

  beforeAll(async () => {
    fake = await FakeAnthropic.start();
    t = await createTestApp({
      ANTHROPIC_BASE_URL: fake.url,
      ANTHROPIC_API_KEY: 'test-key',
      LLM_TIMEOUT_MS: '1500',
    });
  });

  afterAll(async () => {
    await t.close();
    await fake.close();
  });

  it('504 when a retry-after reaches past the deadline', async () => {
    fake.respondWith(() => ({ error: { status: 529, retryAfterSeconds: 5 } }));
    const started = performance.now();
    const response = await request(t.http)
      .post('/api/v1/chat/direct')
      .set(t.alice)
      .send({ message: 'hi' })
      .expect(504);

    expect(response.body.message).toMatch(/did not answer within 1500 ms/);
    expect(fake.requests).toHaveLength(1);
    // Bounded by the deadline, not by the 5 s the provider asked for (generously, for a loaded CI).
    expect(performance.now() - started).toBeLessThan(4_500);
  });
});
