import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SignJWT } from 'jose';
import request from 'supertest';
import { createTestApp, storeVariants, TestApp } from './support/test-app.js';

const SECRET = 'an-e2e-jwt-secret-of-at-least-32-characters';

function bearer(sub: string): Promise<{ Authorization: string }> {
  return new SignJWT({ sub })
    .setProtectedHeader({ alg: 'HS256' })
    .setExpirationTime('5m')
    .sign(new TextEncoder().encode(SECRET))
    .then((token) => ({ Authorization: `Bearer ${token}` }));
}

describe.each(storeVariants())('JWT principals on the $name store', ({ env }) => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ ...env, JWT_SECRET: SECRET });
  });

  afterAll(() => t.close());

  const api = () => request(t.http);

  it.each([
    ['a lone surrogate', 'user \uD800'],
    ['a blank sub', '   '],
    ['an overlong sub', 'u'.repeat(257)],
  ])('refuses %s with 401, never a 500', async (_what, sub) => {
    const response = await api()
      .get('/api/v1/conversations')
      .set(await bearer(sub))
      .expect(401);
    expect(response.body).toMatchObject({ statusCode: 401, message: 'Invalid or expired token' });
  });

  it('keeps a sub with key punctuation in its own keyspace', async () => {
    const run = t.aliceId;
    const tricky = await bearer(`${run}}:conv:x{`);
    const plain = await bearer(run);
    const { body } = await api()
      .post('/api/v1/conversations')
      .set(tricky)
      .send({ title: 'Mine' })
      .expect(201);
    await api().get(`/api/v1/conversations/${body.conversation_id}`).set(tricky).expect(200);
    await api().get(`/api/v1/conversations/${body.conversation_id}`).set(plain).expect(404);
    const listed = await api().get('/api/v1/conversations').set(plain).expect(200);
    expect(listed.body.items).toEqual([]);
  });
});
