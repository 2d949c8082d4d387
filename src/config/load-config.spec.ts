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

  it('says plainly that the Fastify adapter is not available yet', () => {
    expect(() => loadConfig({ HTTP_ADAPTER: 'fastify' })).toThrow(/HTTP_ADAPTER=fastify/);
    expect(() => loadConfig({ HTTP_ADAPTER: 'koa' })).toThrow(/HTTP_ADAPTER must be one of/);
  });

  it('refuses both REDIS_URL and REDIS_CLUSTER_NODES', () => {
    expect(() =>
      loadConfig({ REDIS_URL: 'redis://localhost:6379', REDIS_CLUSTER_NODES: 'a:1,b:2' }),
    ).toThrow(/both set/);
  });

  it('tightens start-up checks in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/ANTHROPIC_API_KEY/);
    expect(() => loadConfig({ NODE_ENV: 'production', ANTHROPIC_API_KEY: 'k' })).toThrow(
      /API_KEYS or JWT_SECRET/,
    );
    const config = loadConfig({ NODE_ENV: 'production', ANTHROPIC_API_KEY: 'k', API_KEYS: 'a:b' });
    expect(config.auth.usingDevKey).toBe(false);
    expect(config.auth.apiKeys.has('dev-key')).toBe(false);
  });

  it('parses API keys and refuses malformed ones', () => {
    expect([...loadConfig({ API_KEYS: 'k1:alice, k2:bob' }).auth.apiKeys]).toEqual([
      ['k1', 'alice'],
      ['k2', 'bob'],
    ]);
    expect(() => loadConfig({ API_KEYS: 'k1' })).toThrow(/API_KEYS must look like/);
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
