import { describe, expect, it } from '@jest/globals';
import { ConfigError, loadConfig } from './load-config.js';

describe('loadConfig', () => {
  it('gives the contract defaults when nothing is set', () => {
    const config = loadConfig({});
    expect(config.http).toMatchObject({
      port: 3000,
      maxBodyBytes: 1024 * 1024,
    });
    expect(config.llm).toMatchObject({ offline: true, timeoutMs: 60_000, maxTokens: 4096 });
    expect(config.auth.apiKeys.get('dev-key')).toBe('dev-user');
    expect(config.conversations).toEqual({
      ttlSeconds: 30 * 24 * 3600,
      maxMessages: 1000,
      historyMaxMessages: 50,
      historyMaxTokens: 100_000,
    });
    expect(config.ultrafast).toEqual({
      maxTokens: 512,
      windowMessages: 6,
      cacheTtlSeconds: 3600,
      cacheScope: 'user',
    });
    expect(config.orchestration).toEqual({
      maxSteps: 5,
      maxToolCalls: 20,
      timeoutMs: 120_000,
      routerLlm: true,
    });
    expect(config.redis.url).toBeUndefined();
  });

  it('names every bad variable at once', () => {
    expect.assertions(3);
    try {
      loadConfig({ PORT: 'abc', CACHE_SCOPE: 'team', ANTHROPIC_BASE_URL: 'not a url' });
    } catch (error) {
      const message = (error as ConfigError).message;
      expect(message).toMatch(/PORT must be an integer/);
      expect(message).toMatch(/CACHE_SCOPE must be one of user, global/);
      expect(message).toMatch(/ANTHROPIC_BASE_URL must be a http: or https: URL/);
    }
  });

  it('chooses the HTTP adapter: express by default, or fastify', () => {
    expect(loadConfig({}).http.adapter).toBe('express');
    expect(loadConfig({ HTTP_ADAPTER: 'Fastify' }).http.adapter).toBe('fastify');
    expect(() => loadConfig({ HTTP_ADAPTER: 'koa' })).toThrow(/HTTP_ADAPTER must be one of/);
  });

  it('refuses both REDIS_URL and REDIS_CLUSTER_NODES', () => {
    expect(() =>
      loadConfig({ REDIS_URL: 'redis://localhost:6379', REDIS_CLUSTER_NODES: 'a:1,b:2' }),
    ).toThrow(/both set/);
  });

  const production = {
    NODE_ENV: 'production',
    ANTHROPIC_API_KEY: 'k',
    REDIS_URL: 'redis://localhost:6379',
  };
  const LONG_KEY = 'k'.repeat(16);

  it('tightens start-up checks in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/ANTHROPIC_API_KEY/);
    expect(() => loadConfig(production)).toThrow(/API_KEYS or JWT_SECRET/);
    const config = loadConfig({ ...production, API_KEYS: `${LONG_KEY}:b` });
    expect(config.auth.usingDevKey).toBe(false);
    expect(config.auth.apiKeys.has('dev-key')).toBe(false);
  });

  it('refuses short secrets in production, naming the variable but never the key', () => {
    expect.assertions(5);
    expect(() => loadConfig({ ...production, JWT_SECRET: 'x'.repeat(31) })).toThrow(
      /JWT_SECRET must be at least 32 characters/,
    );
    expect(loadConfig({ ...production, JWT_SECRET: 'x'.repeat(32) }).auth.jwtSecret).toHaveLength(
      32,
    );
    try {
      loadConfig({ ...production, API_KEYS: `${LONG_KEY}:alice,fifteen-chars-k:bob` });
    } catch (error) {
      const message = (error as ConfigError).message;
      expect(message).toMatch(
        /API_KEYS: every key must be at least 16 characters.*\(too short for bob\)/,
      );
      expect(message).not.toContain('fifteen-chars-k');
    }
    expect(loadConfig({ API_KEYS: 'short:alice' }).auth.apiKeys.get('short')).toBe('alice');
  });

  it('needs a Redis in production unless the embedded store is explicitly allowed', () => {
    const withoutRedis = { ...production, REDIS_URL: undefined, API_KEYS: `${LONG_KEY}:a` };
    expect(() => loadConfig(withoutRedis)).toThrow(
      /REDIS_URL \(or REDIS_CLUSTER_NODES\) is required/,
    );
    expect(() => loadConfig({ ...withoutRedis, ALLOW_EMBEDDED_STORE: 'false' })).toThrow(
      /ALLOW_EMBEDDED_STORE=true/,
    );
    expect(loadConfig({ ...withoutRedis, ALLOW_EMBEDDED_STORE: 'true' }).redis.url).toBeUndefined();
    expect(
      loadConfig({ ...withoutRedis, REDIS_CLUSTER_NODES: 'a:1,b:2' }).redis.clusterNodes,
    ).toHaveLength(2);
    expect(() => loadConfig({ ALLOW_EMBEDDED_STORE: 'yes' })).toThrow(
      /ALLOW_EMBEDDED_STORE must be one of true, false/,
    );
    expect(loadConfig({}).redis.url).toBeUndefined();
  });

  it('reads JWT_ISSUER and JWT_AUDIENCE, which need JWT_SECRET', () => {
    const auth = loadConfig({
      JWT_SECRET: 's'.repeat(32),
      JWT_ISSUER: ' https://idp.example ',
      JWT_AUDIENCE: 'chat-api',
    }).auth;
    expect(auth).toMatchObject({ jwtIssuer: 'https://idp.example', jwtAudience: 'chat-api' });
    expect(loadConfig({}).auth).toMatchObject({ jwtIssuer: undefined, jwtAudience: undefined });
    expect(() => loadConfig({ JWT_ISSUER: 'https://idp.example' })).toThrow(/set JWT_SECRET/);
    expect(() => loadConfig({ JWT_AUDIENCE: 'chat-api' })).toThrow(/set JWT_SECRET/);
  });

  it('parses API keys and refuses malformed ones', () => {
    expect([...loadConfig({ API_KEYS: 'k1:alice, k2:bob' }).auth.apiKeys]).toEqual([
      ['k1', 'alice'],
      ['k2', 'bob'],
    ]);
    expect(() => loadConfig({ API_KEYS: 'k1' })).toThrow(/API_KEYS must look like/);
    expect(() => loadConfig({ API_KEYS: `k1:${'u'.repeat(257)}` })).toThrow(
      /API_KEYS: a user id must be at most 256 characters/,
    );
    expect(loadConfig({ API_KEYS: `k1:${'u'.repeat(256)}` }).auth.apiKeys.size).toBe(1);
  });

  it('keeps turns whole: an odd CONVERSATION_MAX_MESSAGES is rounded down', () => {
    expect(loadConfig({ CONVERSATION_MAX_MESSAGES: '7' }).conversations.maxMessages).toBe(6);
  });

  it('never roots the workspace at the project or above it', () => {
    for (const dir of ['.', '..', '/']) {
      expect(() => loadConfig({ WORKSPACE_DIR: dir })).toThrow(/WORKSPACE_DIR/);
    }
    expect(loadConfig({ WORKSPACE_DIR: './data/workspace' }).mcp.workspaceDir).toMatch(
      /workspace$/,
    );
  });
});
