import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { createTestApp, storeVariants, TestApp } from './support/test-app.js';

describe.each(storeVariants())('/api/v1/conversations on the $name store', ({ env }) => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp(env);
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
