import { relative, resolve } from 'node:path';
import {
  AppConfig,
  CacheScope,
  HttpAdapterName,
  LogLevel,
  MAX_PRINCIPAL_CHARS,
} from './app-config.js';

export type Environment = Record<string, string | undefined>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
}

const DEFAULT_MODEL = 'claude-sonnet-5-5';
const FAST_MODEL = 'claude-haiku-5-5';
const DEV_API_KEYS = 'dev-key:dev-user';
/** In production an API key must be at least this long (a JWT_SECRET at least 32 characters). */
const MIN_API_KEY_CHARS = 16;

/** Reads and checks every variable of the contract; throws one ConfigError naming each bad variable. */
export function loadConfig(env: Environment): AppConfig {
  const read = new EnvReader(env);
  const production = env.NODE_ENV === 'production';

  const redisUrl = read.url('REDIS_URL', ['redis:', 'rediss:']);
  const clusterNodes = read.hostPorts('REDIS_CLUSTER_NODES');
  if (redisUrl && clusterNodes) {
    read.problem('REDIS_URL and REDIS_CLUSTER_NODES are both set: choose one');
  }
  const allowEmbeddedStore = read.oneOf('ALLOW_EMBEDDED_STORE', ['true', 'false'], 'false');
  if (!redisUrl && !clusterNodes && production && allowEmbeddedStore !== 'true') {
    read.problem(
      'REDIS_URL (or REDIS_CLUSTER_NODES) is required when NODE_ENV=production: the embedded store ' +
        'is for one process and development; set ALLOW_EMBEDDED_STORE=true to run on it anyway',
    );
  }

  const apiKey = read.string('ANTHROPIC_API_KEY');
  const baseUrl = read.url('ANTHROPIC_BASE_URL', ['http:', 'https:']);
  const offline = !apiKey && !baseUrl;
  if (offline && production) {
    read.problem('ANTHROPIC_API_KEY (or ANTHROPIC_BASE_URL) is required when NODE_ENV=production');
  }

  const jwtSecret = read.string('JWT_SECRET');
  const rawKeys = read.string('API_KEYS');
  const usingDevKey = !rawKeys && !jwtSecret && !production;
  if (!rawKeys && !jwtSecret && production) {
    read.problem('API_KEYS or JWT_SECRET is required when NODE_ENV=production');
  }
  if (jwtSecret && jwtSecret.length < 32 && production) {
    read.problem('JWT_SECRET must be at least 32 characters when NODE_ENV=production');
  }
  const apiKeys = read.apiKeys('API_KEYS', rawKeys ?? (usingDevKey ? DEV_API_KEYS : undefined));
  const shortKeyUsers = [...apiKeys].filter(([key]) => key.length < MIN_API_KEY_CHARS);
  if (shortKeyUsers.length > 0 && production) {
    read.problem(
      `API_KEYS: every key must be at least ${MIN_API_KEY_CHARS} characters when NODE_ENV=production ` +
        `(too short for ${shortKeyUsers.map(([, user]) => user).join(', ')})`,
    );
  }
  const jwtIssuer = read.string('JWT_ISSUER');
  const jwtAudience = read.string('JWT_AUDIENCE');
  if ((jwtIssuer || jwtAudience) && !jwtSecret) {
    read.problem('JWT_ISSUER and JWT_AUDIENCE apply to JWTs: set JWT_SECRET as well');
  }

  const workspaceDir = resolve(read.string('WORKSPACE_DIR') ?? './workspace');
  if (!relative(workspaceDir, resolve('.')).startsWith('..')) {
    read.problem(
      'WORKSPACE_DIR must not be the project root or a folder above it (it would expose .env and the source)',
    );
  }

  const config: AppConfig = {
    http: {
      adapter: read.oneOf<HttpAdapterName>('HTTP_ADAPTER', ['express', 'fastify'], 'express'),
      port: read.int('PORT', 3000, 1, 65535),
      maxBodyBytes: read.int('MAX_BODY_BYTES', 1024 * 1024, 1024),
      corsOrigins: read.list('CORS_ORIGINS'),
    },
    redis: { url: redisUrl, clusterNodes },
    llm: {
      apiKey,
      baseUrl,
      offline,
      timeoutMs: read.int('LLM_TIMEOUT_MS', 60_000, 100),
      maxTokens: read.int('MAX_TOKENS', 4096, 1),
      defaultModel: read.string('MODEL_DEFAULT') ?? DEFAULT_MODEL,
      fastModel: read.string('MODEL_FAST') ?? FAST_MODEL,
    },
    auth: { apiKeys, jwtSecret, jwtIssuer, jwtAudience, usingDevKey },
    conversations: {
      ttlSeconds: read.int('CONVERSATION_TTL_SECONDS', 30 * 24 * 3600, 60),
      maxMessages: wholeTurns(read.int('CONVERSATION_MAX_MESSAGES', 1000, 2)),
      historyMaxMessages: read.int('HISTORY_MAX_MESSAGES', 50, 0),
      historyMaxTokens: read.int('HISTORY_MAX_TOKENS', 100_000, 0),
    },
    chat: { maxMessageChars: read.int('MAX_MESSAGE_CHARS', 32_000, 1) },
    ultrafast: {
      maxTokens: read.int('ULTRAFAST_MAX_TOKENS', 512, 1),
      windowMessages: read.int('ULTRAFAST_WINDOW_MESSAGES', 6, 0),
      cacheTtlSeconds: read.int('CACHE_TTL_SECONDS', 3600, 1),
      cacheScope: read.oneOf<CacheScope>('CACHE_SCOPE', ['user', 'global'], 'user'),
    },
    agent: { maxSteps: read.int('AGENT_MAX_STEPS', 8, 1, 50) },
    orchestration: {
      maxSteps: read.int('ORCH_MAX_STEPS', 5, 1, 20),
      maxToolCalls: read.int('ORCH_MAX_TOOL_CALLS', 20, 1),
      timeoutMs: read.int('ORCH_TIMEOUT_MS', 120_000, 1000),
      routerLlm: read.oneOf('ROUTER_LLM', ['on', 'off'], 'on') === 'on',
    },
    mcp: { configPath: read.string('MCP_CONFIG'), workspaceDir },
    rateLimitPerMinute: read.int('RATE_LIMIT_PER_MINUTE', 60, 1),
    routerLogText: read.oneOf('ROUTER_LOG_TEXT', ['on', 'off'], 'off') === 'on',
    logLevel: read.oneOf<LogLevel>(
      'LOG_LEVEL',
      ['debug', 'info', 'warn', 'error', 'silent'],
      'info',
    ),
  };
  read.throwIfProblems();
  return config;
}

/** A turn is two messages: an odd cap is rounded down so trimming never splits one. */
function wholeTurns(maxMessages: number): number {
  return maxMessages - (maxMessages % 2);
}

class EnvReader {
  private readonly problems: string[] = [];

  constructor(private readonly env: Environment) {}

  problem(text: string): void {
    this.problems.push(text);
  }

  throwIfProblems(): void {
    if (this.problems.length > 0) throw new ConfigError(this.problems);
  }

  string(name: string): string | undefined {
    const value = this.env[name]?.trim();
    return value ? value : undefined;
  }

  int(name: string, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
    const raw = this.string(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!/^\d+$/.test(raw) || value < min || value > max) {
      this.problem(`${name} must be an integer from ${min} to ${max} (got "${raw}")`);
      return fallback;
    }
    return value;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const raw = this.string(name)?.toLowerCase();
    if (raw === undefined) return fallback;
    if (!allowed.includes(raw as T)) {
      this.problem(`${name} must be one of ${allowed.join(', ')} (got "${raw}")`);
      return fallback;
    }
    return raw as T;
  }

  list(name: string): string[] {
    return (this.string(name) ?? '')
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean);
  }

  url(name: string, protocols: string[]): string | undefined {
    const raw = this.string(name);
    if (raw === undefined) return undefined;
    try {
      if (protocols.includes(new URL(raw).protocol)) return raw;
    } catch {
      // reported below
    }
    this.problem(`${name} must be a ${protocols.join(' or ')} URL`);
    return undefined;
  }

  hostPorts(name: string): Array<{ host: string; port: number }> | undefined {
    const items = this.list(name);
    if (items.length === 0) return undefined;
    const nodes = items.map((item) => {
      const match = /^(.+):(\d{1,5})$/.exec(item);
      return match ? { host: match[1], port: Number(match[2]) } : undefined;
    });
    if (nodes.some((node) => !node)) {
      this.problem(`${name} must be a comma-separated list of host:port`);
      return undefined;
    }
    return nodes as Array<{ host: string; port: number }>;
  }

  apiKeys(name: string, raw: string | undefined): Map<string, string> {
    const keys = new Map<string, string>();
    for (const pair of (raw ?? '').split(',').filter((item) => item.trim())) {
      const [key, user] = pair.split(':').map((part) => part.trim());
      if (!key || !user || pair.split(':').length !== 2) {
        this.problem(`${name} must look like key1:user1,key2:user2`);
        return keys;
      }
      if (user.length > MAX_PRINCIPAL_CHARS) {
        this.problem(`${name}: a user id must be at most ${MAX_PRINCIPAL_CHARS} characters`);
        return keys;
      }
      keys.set(key, user);
    }
    return keys;
  }
}
