import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SignJWT } from 'jose';
import request from 'supertest';
import { waitForServer } from './support/mcp-tools.js';
import { createTestApp, TestApp } from './support/test-app.js';

describe('operations and HTTP conventions', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ MAX_BODY_BYTES: '2048' });
  });

  afterAll(() => t.close());

  it('serves liveness, readiness and metrics without auth', async () => {
    await request(t.http).get('/health/live').expect(200, { status: 'ok' });
    const ready = await request(t.http).get('/health/ready').expect(200);
    expect(ready.body.checks.store).toEqual({ status: 'up', detail: 'embedded' });
    await request(t.http).post('/api/v1/chat/direct').set(t.alice).send({ message: 'hi' });
    const metrics = await request(t.http).get('/metrics').expect(200);
    expect(metrics.headers['content-type']).toMatch(/^text\/plain/);
    expect(metrics.text).toMatch(
      /http_requests_total\{method="POST",route="\/api\/v1\/chat\/direct",status="200"\} 1/,
    );
  });

  it('serves Swagger UI and an OpenAPI document with every chat and conversation route', async () => {
    await request(t.http).get('/api/docs').expect(200);
    const { body } = await request(t.http).get('/api/docs-json').expect(200);
    expect(Object.keys(body.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/chat/direct',
        '/api/v1/chat/mcp-agent',
        '/api/v1/chat/ultrafast',
        '/api/v1/chat/orchestrated',
        '/api/v1/chat/orchestrated/route',
        '/api/v1/conversations',
        '/api/v1/conversations/{id}',
        '/api/v1/tools',
      ]),
    );
    expect(body.components.securitySchemes.bearer).toMatchObject({ scheme: 'bearer' });
    expect(body.components.schemas.ChatRequest.required).toEqual(['message']);
  });

  it('echoes a valid X-Request-Id and replaces an invalid one', async () => {
    const echoed = await request(t.http).get('/health/live').set('X-Request-Id', 'abc-123:x.y');
    expect(echoed.headers['x-request-id']).toBe('abc-123:x.y');
    const replaced = await request(t.http).get('/health/live').set('X-Request-Id', 'bad id!');
    expect(replaced.headers['x-request-id']).toMatch(/^[A-Za-z0-9._:-]{1,128}$/);
    expect(replaced.headers['x-request-id']).not.toBe('bad id!');
    const error = await request(t.http).get('/api/v1/conversations').set('X-Request-Id', 'r-1');
    expect(error.body).toMatchObject({ statusCode: 401, request_id: 'r-1' });
  });

  it('415 for a body that is not JSON, 413 beyond MAX_BODY_BYTES, 400 for malformed JSON', async () => {
    const notJson = await request(t.http)
      .post('/api/v1/chat/direct')
      .set(t.alice)
      .set('Content-Type', 'text/plain')
      .send('hello');
    expect(notJson.status).toBe(415);
    expect(notJson.body).toMatchObject({ statusCode: 415, error: 'Unsupported Media Type' });

    const tooBig = await request(t.http)
      .post('/api/v1/chat/direct')
      .set(t.alice)
      .send({ message: 'x'.repeat(4096) });
    expect(tooBig.status).toBe(413);
    expect(tooBig.body).toMatchObject({ statusCode: 413, request_id: expect.any(String) });

    const malformed = await request(t.http)
      .post('/api/v1/chat/direct')
      .set(t.alice)
      .set('Content-Type', 'application/json')
      .send('{"message": ');
    expect(malformed.status).toBe(400);
    expect(malformed.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
  });

  it('answers an unknown route with the error shape', async () => {
    const response = await request(t.http).get('/api/v1/nothing-here').set(t.alice).expect(404);
    expect(response.body).toMatchObject({ statusCode: 404, error: 'Not Found' });
  });

  it('shows the agent’s tool loop offline, against the default read-only workspace server', async () => {
    await waitForServer(t, 'fs', 'connected');
    const response = await request(t.http)
      .post('/api/v1/chat/mcp-agent')
      .set(t.alice)
      .send({ message: 'What can you see?' })
      .expect(200);
    expect(response.body.tool_calls).toEqual([
      expect.objectContaining({ server: 'fs', name: 'list_allowed_directories', is_error: false }),
    ]);
    // The workspace is named `<workspace>`: absolute server paths never leave the service.
    expect(response.body.tool_calls[0].output_preview).toContain('<workspace>');
    expect(response.body.tool_calls[0].output_preview).not.toContain(t.config.mcp.workspaceDir);
    expect(response.body.response).toMatch(/^\[offline model\] Tool results/);
  });

  it('labels offline answers when no model provider is configured', async () => {
    const response = await request(t.http)
      .post('/api/v1/chat/direct')
      .set(t.alice)
      .send({ message: 'ping' })
      .expect(200);
    expect(response.body.model).toMatch(/^offline:/);
    expect(response.body.response).toMatch(/^\[offline model\]/);
  });

  it('accepts an HS256 JWT whose sub is the principal, alongside API keys', async () => {
    const secret = 'an-e2e-secret-that-is-long-enough-0123456789';
    const jwtApp = await createTestApp({ JWT_SECRET: secret });
    try {
      const token = await new SignJWT({ sub: 'jwt-user' })
        .setProtectedHeader({ alg: 'HS256' })
        .setExpirationTime('5m')
        .sign(new TextEncoder().encode(secret));
      const auth = { Authorization: `Bearer ${token}` };
      const created = await request(jwtApp.http).post('/api/v1/conversations').set(auth).send({});
      expect(created.status).toBe(201);
      await request(jwtApp.http)
        .get(`/api/v1/conversations/${created.body.conversation_id}`)
        .set(jwtApp.alice)
        .expect(404);
      const forged = await new SignJWT({ sub: 'jwt-user' })
        .setProtectedHeader({ alg: 'HS256' })
        .sign(new TextEncoder().encode(`${secret}-wrong`));
      await request(jwtApp.http)
        .get('/api/v1/conversations')
        .set({ Authorization: `Bearer ${forged}` })
        .expect(401);
    } finally {
      await jwtApp.close();
    }
  });

  it('lets the web app’s origin call every route, and read errors even before the body is parsed', async () => {
    const origin = 'http://localhost:5173';
    const corsApp = await createTestApp({ CORS_ORIGINS: origin, MAX_BODY_BYTES: '2048' });
    try {
      for (const method of ['PATCH', 'DELETE']) {
        const preflight = await request(corsApp.http)
          .options('/api/v1/conversations/default')
          .set({ Origin: origin, 'Access-Control-Request-Method': method });
        expect(preflight.status).toBeLessThan(300);
        expect(preflight.headers['access-control-allow-methods']).toContain(method);
      }
      const tooLarge = await request(corsApp.http)
        .post('/api/v1/chat/direct')
        .set({ ...corsApp.alice, Origin: origin, 'Content-Type': 'application/json' })
        .send(JSON.stringify({ message: 'x'.repeat(4096) }));
      expect(tooLarge.status).toBe(413);
      expect(tooLarge.headers['access-control-allow-origin']).toBe(origin);
      expect(tooLarge.headers['access-control-expose-headers']).toMatch(/X-Request-Id/i);
    } finally {
      await corsApp.close();
    }
  });
});
