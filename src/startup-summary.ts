import { AppConfig } from './config/app-config.js';

export interface ServerState {
  name: string;
  status: string;
  tools: unknown[];
}

/**
 * The few lines a newcomer needs after `npm start` on the embedded defaults: where the docs are, what
 * stands in for Redis and the model, and the key to use. Undefined when the service runs for real
 * (configured store, model and auth), where the JSON logs say everything.
 */
export function startupSummary(config: AppConfig, servers: ServerState[]): string | undefined {
  const embeddedStore = !config.redis.url && !config.redis.clusterNodes;
  if (!embeddedStore && !config.llm.offline && !config.auth.usingDevKey) return undefined;
  const base = `http://localhost:${config.http.port}`;
  const [devKey, devUser] = [...config.auth.apiKeys][0] ?? [];
  const lines = [
    '',
    `Orchestrated chat is running on ${base}`,
    `  Swagger UI  ${base}/api/docs   (OpenAPI document: ${base}/api/docs-json)`,
    `  Store       ${embeddedStore ? 'EMBEDDED in-memory store: lost on restart (set REDIS_URL)' : 'Redis'}`,
    `  Model       ${config.llm.offline ? 'EMBEDDED offline model: canned answers (set ANTHROPIC_API_KEY)' : config.llm.defaultModel}`,
    `  Tools       ${servers.map((server) => `${server.name} ${server.status} (${server.tools.length} tools)`).join(', ') || 'none'}`,
  ];
  if (config.auth.usingDevKey && devKey) {
    lines.push(
      `  Auth        development key "${devKey}" for user "${devUser}" (set API_KEYS or JWT_SECRET)`,
      '',
      `  curl -s ${base}/api/v1/chat/direct -H 'Authorization: Bearer ${devKey}' \\`,
      `    -H 'Content-Type: application/json' -d '{"message":"Hello!"}'`,
    );
  }
  return `${lines.join('\n')}\n\n`;
}
