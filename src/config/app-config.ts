export type CacheScope = 'user' | 'global';
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

export type HttpAdapterName = 'express' | 'fastify';

export interface HttpConfig {
  /** Express (the default) or Fastify (faster); the same behaviour on both. */
  adapter: HttpAdapterName;
  port: number;
  maxBodyBytes: number;
  corsOrigins: string[];
}

export interface RedisConfig {
  /** Unset (and no cluster) → the embedded in-memory store. */
  url?: string;
  clusterNodes?: Array<{ host: string; port: number }>;
}

export interface LlmConfig {
  apiKey?: string;
  baseUrl?: string;
  /** No key and no URL: answers come from the embedded offline model. */
  offline: boolean;
  timeoutMs: number;
  maxTokens: number;
  defaultModel: string;
  fastModel: string;
}

export interface AuthConfig {
  /** API key → user id. */
  apiKeys: ReadonlyMap<string, string>;
  jwtSecret?: string;
  /** When set, a JWT's `iss` must equal it. */
  jwtIssuer?: string;
  /** When set, a JWT's `aud` must be (or contain) it. */
  jwtAudience?: string;
  usingDevKey: boolean;
}

/** The longest user id (an API key's user or a JWT's `sub`); longer ones are refused. */
export const MAX_PRINCIPAL_CHARS = 256;

export interface ConversationConfig {
  ttlSeconds: number;
  maxMessages: number;
  historyMaxMessages: number;
  historyMaxTokens: number;
}

export interface ChatConfig {
  maxMessageChars: number;
}

export interface UltrafastConfig {
  maxTokens: number;
  windowMessages: number;
  cacheTtlSeconds: number;
  cacheScope: CacheScope;
}

export interface AgentConfig {
  maxSteps: number;
}

export interface OrchestrationConfig {
  maxSteps: number;
  maxToolCalls: number;
  timeoutMs: number;
  routerLlm: boolean;
}

export interface McpConfig {
  /** Path to a Claude Desktop style JSON file; unset → the built-in read-only filesystem server. */
  configPath?: string;
  workspaceDir: string;
}

/**
 * The whole validated configuration, one typed section per area. Provided once by ConfigModule and
 * injected by class, so no code outside src/config reads process.env.
 */
export class AppConfig {
  http!: HttpConfig;
  redis!: RedisConfig;
  llm!: LlmConfig;
  auth!: AuthConfig;
  conversations!: ConversationConfig;
  chat!: ChatConfig;
  ultrafast!: UltrafastConfig;
  agent!: AgentConfig;
  orchestration!: OrchestrationConfig;
  mcp!: McpConfig;
  /** Requests per principal per 60 s window, across all instances. */
  rateLimitPerMinute!: number;
  /**
   * ROUTER_LOG_TEXT=on: a routing escalation's log record carries the message (and the recent
   * turns), so it can become a training line; off (the default) it carries a hash and features.
   */
  routerLogText!: boolean;
  logLevel!: LogLevel;
}
