import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { createTestApp, storeVariants, TestApp } from './support/test-app.js';

describe.each(storeVariants())('/api/v1/conversations on the $name store', ({ env }) => {
  let t: TestApp;

  beforeAll(async () => {
    // Paging needs conversations of over 100 messages: more turns than one minute's default budget.
    t = await createTestApp({ ...env, RATE_LIMIT_PER_MINUTE: '10000' });
  });

  afterAll(() => t.close());

  const api = () => request(t.http);

  it('creates, reads, renames, lists and deletes', async () => {
    const created = await api()
      .post('/api/v1/conversations')
      .set(t.alice)
      .send({ title: ' Trip ' })
      .expect(201);
    expect(created.body).toEqual({
      conversation_id: expect.stringMatching(/^c_/),
      title: 'Trip',
      created_at: expect.any(String),
      updated_at: expect.any(String),
      message_count: 0,
    });
    const id = created.body.conversation_id;

    const read = await api().get(`/api/v1/conversations/${id}`).set(t.alice).expect(200);
    expect(read.body).toMatchObject({ conversation_id: id, title: 'Trip', messages: [] });

    const renamed = await api()
      .patch(`/api/v1/conversations/${id}`)
      .set(t.alice)
      .send({ title: 'Holiday' })
      .expect(200);
    expect(renamed.body).toMatchObject({ conversation_id: id, title: 'Holiday', message_count: 0 });

    await api()
      .post('/api/v1/chat/direct')
      .set(t.alice)
      .send({ message: 'hello', conversation_id: id })
      .expect(200);
    const list = await api().get('/api/v1/conversations').set(t.alice).expect(200);
    expect(list.body.items[0]).toMatchObject({ conversation_id: id, message_count: 2 });
    expect(list.body.next_cursor).toBeNull();

    await api().delete(`/api/v1/conversations/${id}`).set(t.alice).expect(204);
    await api().get(`/api/v1/conversations/${id}`).set(t.alice).expect(404);
    await api().delete(`/api/v1/conversations/${id}`).set(t.alice).expect(404);
  });

  it('pages newest first with a cursor', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const { body } = await api().post('/api/v1/conversations').set(t.bob).send({});
      ids.push(body.conversation_id);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: request.Response = await api()
        .get('/api/v1/conversations')
        .query(cursor ? { limit: 1, cursor } : { limit: 1 })
        .set(t.bob)
        .expect(200);
      expect(page.body.items.length).toBeLessThanOrEqual(1);
      seen.push(
        ...page.body.items.map((item: { conversation_id: string }) => item.conversation_id),
      );
      cursor = page.body.next_cursor;
    } while (cursor);
    expect(seen).toEqual([...ids].reverse());
  });

  it('404s on another principal’s conversation for read, rename, continue and delete', async () => {
    const { body } = await api().post('/api/v1/conversations').set(t.alice).send({});
    const path = `/api/v1/conversations/${body.conversation_id}`;
    await api().get(path).set(t.bob).expect(404);
    await api().patch(path).set(t.bob).send({ title: 'x' }).expect(404);
    await api()
      .post('/api/v1/chat/direct')
      .set(t.bob)
      .send({ message: 'hi', conversation_id: body.conversation_id })
      .expect(404);
    await api().delete(path).set(t.bob).expect(404);
    await api().get(path).set(t.alice).expect(200);
  });

  it('always has a default conversation: empty before its first turn, emptied by DELETE', async () => {
    const empty = await api().get('/api/v1/conversations/default').set(t.bob).expect(200);
    expect(empty.body).toMatchObject({ conversation_id: 'default', messages: [] });
    await api().post('/api/v1/chat/direct').set(t.bob).send({ message: 'hi' }).expect(200);
    const used = await api().get('/api/v1/conversations/default').set(t.bob).expect(200);
    expect(used.body.messages).toHaveLength(2);
    await api().delete('/api/v1/conversations/default').set(t.bob).expect(204);
    const emptied = await api().get('/api/v1/conversations/default').set(t.bob).expect(200);
    expect(emptied.body.messages).toEqual([]);
  });

  describe('reading a conversation a page of messages at a time', () => {
    interface Message {
      message_id: string;
      role: string;
      content: string;
    }
    const TURNS = 7;
    let id: string;
    let all: Message[];

    const page = (query: Record<string, string | number>) =>
      api().get(`/api/v1/conversations/${id}`).query(query).set(t.alice);

    beforeAll(async () => {
      ({ conversation_id: id } = (await api().post('/api/v1/conversations').set(t.alice).send({}))
        .body as { conversation_id: string });
      for (let i = 0; i < TURNS; i++) {
        await api()
          .post('/api/v1/chat/direct')
          .set(t.alice)
          .send({ message: `turn ${i}`, conversation_id: id })
          .expect(200);
      }
      const whole = await page({ limit: 1000 }).expect(200);
      expect(whole.body.next_before).toBeNull();
      all = whole.body.messages;
    });

    it('holds every message, oldest first, when the page is large enough', () => {
      expect(all).toHaveLength(2 * TURNS);
      expect(all.filter((m) => m.role === 'user').map((m) => m.content)).toEqual(
        Array.from({ length: TURNS }, (_, i) => `turn ${i}`),
      );
    });

    it('gives the newest `limit`, oldest first, and next_before to page back to the start', async () => {
      const first = await page({ limit: 3 }).expect(200);
      expect(first.body).toMatchObject({ conversation_id: id, messages: all.slice(-3) });
      expect(first.body.next_before).toBe(all.at(-3)?.message_id);

      const pages: Message[][] = [first.body.messages];
      let before: string | null = first.body.next_before;
      while (before) {
        const older = await page({ limit: 3, before }).expect(200);
        expect(older.body.messages.length).toBeGreaterThan(0);
        expect(older.body.messages.length).toBeLessThanOrEqual(3);
        pages.unshift(older.body.messages);
        before = older.body.next_before;
      }
      expect(pages.flat()).toEqual(all);
      expect(pages[0]).toHaveLength((2 * TURNS) % 3 || 3);
    });

    it('reads exactly `limit` before a message anywhere in the list, deep or near the end', async () => {
      for (const at of [1, 2, 5, 8, 13]) {
        const response = await page({ limit: 4, before: all[at].message_id }).expect(200);
        expect(response.body.messages).toEqual(all.slice(Math.max(at - 4, 0), at));
        expect(response.body.next_before).toBe(at > 4 ? all[at - 4].message_id : null);
      }
      const oldest = await page({ before: all[0].message_id }).expect(200);
      expect(oldest.body).toMatchObject({ messages: [], next_before: null });
    });

    it('defaults to the newest 100 messages', async () => {
      for (let i = 0; i < 51 - TURNS; i++) {
        await api()
          .post('/api/v1/chat/direct')
          .set(t.alice)
          .send({ message: `more ${i}`, conversation_id: id })
          .expect(200);
      }
      const newest = await page({}).expect(200);
      expect(newest.body.messages).toHaveLength(100);
      expect(newest.body.messages.slice(0, 12)).toEqual(all.slice(2));
      const oldest = await page({ before: newest.body.next_before as string }).expect(200);
      expect(oldest.body).toEqual(
        expect.objectContaining({ messages: all.slice(0, 2), next_before: null }),
      );
    });

    it.each([
      [{ limit: 0 }, 'limit must not be less than 1'],
      [{ limit: 1001 }, 'limit must not be greater than 1000'],
      [{ limit: 'abc' }, 'limit must be an integer from 1 to 1000'],
      [{ limit: 2.5 }, 'limit must be an integer from 1 to 1000'],
      [{ before: 'not a message id' }, 'before must be a message_id'],
      [{ before: 'm_x'.repeat(30) }, 'before must be a message_id'],
      [{ before: 'm_nosuchmessage' }, 'before is not a message of this conversation'],
      [{ cursor: 'x' }, 'property cursor should not exist'],
    ])('%j → 400 naming the rule', async (query, message) => {
      const response = await page(query).expect(400);
      expect(response.body).toMatchObject({ statusCode: 400, request_id: expect.any(String) });
      expect(String(response.body.message)).toContain(message);
    });

    it('refuses a message of another conversation as `before`, and 404s another principal first', async () => {
      const other = await api()
        .get('/api/v1/conversations/default')
        .query({ before: all[3].message_id })
        .set(t.alice)
        .expect(400);
      expect(other.body.message).toMatch(/pass next_before as returned/);
      await api()
        .get(`/api/v1/conversations/${id}`)
        .query({ before: all[3].message_id })
        .set(t.bob)
        .expect(404);
    });
  });

  it('names the rule a bad limit breaks', async () => {
    const response = await api().get('/api/v1/conversations?limit=abc').set(t.alice).expect(400);
    expect(response.body.message).toBe('limit must be an integer from 1 to 100');
  });

  it.each([
    ['post', '/api/v1/conversations', { title: '' }],
    ['post', '/api/v1/conversations', { title: 5 }],
    ['post', '/api/v1/conversations', { name: 'x' }],
    ['patch', '/api/v1/conversations/default', {}],
    ['get', '/api/v1/conversations?limit=0', undefined],
    ['get', '/api/v1/conversations?limit=abc', undefined],
    ['get', '/api/v1/conversations?cursor=garbage', undefined],
    ['get', '/api/v1/conversations/bad%20id', undefined],
  ] as const)('%s %s %j → 400', async (method, path, body) => {
    const response = await api()[method](path).set(t.alice).send(body);
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ statusCode: 400, request_id: expect.any(String) });
  });
});
