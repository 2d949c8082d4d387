/**
 * What every phase of the bench works on: one principal's 500 conversations on one redis-server, the
 * two messages sent to them, and the settings the service and the floor share.
 */
import { AppConfig } from '../src/config/app-config.js';
import { readEnvironment } from '../src/config/env-file.js';
import { Environment, loadConfig } from '../src/config/load-config.js';
import { principalTag } from '../src/conversations/conversation-keys.js';
import { TurnStore } from './turn-store.js';

export const PRINCIPAL = 'bench-user';
export const API_KEY = 'bench-key';
export const CONVERSATION_IDS = Array.from(
  { length: 500 },
  (_, i) => `bench-${String(i).padStart(3, '0')}`,
);

/** A follow-up explanation: the local router sends it to direct_llm, with its history. */
export const EXPLAIN_MESSAGE =
  'Explain that in more detail, step by step, with the trade-offs you mentioned above.';
/**
 * A self-contained question, so the ultrafast route answers it from its context-free cache entry. It is
 * as long as EXPLAIN_MESSAGE and the fake model answers both "echo: <message>", so every turn stored,
 * by any route, has the same size: the history windows read and sent stay the same from phase to phase.
 */
export const QUICK_MESSAGE =
  'Quick question before I leave: what is the capital of Australia? Is it Sydney then?';

/** The fake model's answer (the default reply of test/support/fake-anthropic.ts). */
export function fakeAnswer(message: string): string {
  return `echo: ${message}`;
}

/** Where the floor finds its cached answer (the service's own entries are keyed by a hash). */
export const FLOOR_CACHE_KEY = `${principalTag(PRINCIPAL)}:answer-cache:floor`;

/**
 * The settings of the service and of the floor, which reads its own through the app's loadConfig (history
 * window, models, token limit, retention) so both do the same work.
 */
export function sharedEnvironment(redisUrl: string, modelUrl: string): Environment {
  return {
    REDIS_URL: redisUrl,
    ANTHROPIC_BASE_URL: modelUrl,
    ANTHROPIC_API_KEY: 'x',
    API_KEYS: `${API_KEY}:${PRINCIPAL}`,
    LOG_LEVEL: 'info',
    RATE_LIMIT_PER_MINUTE: '1000000000',
    ROUTER_LLM: 'off',
    HTTP_ADAPTER: 'express',
  };
}

/** The configuration the service and the floor derive from `env` (with .env and the process's own). */
export function configFor(env: Environment): AppConfig {
  return loadConfig({ ...readEnvironment(), ...env });
}

/**
 * Fills every conversation's history window with turns like the ones the bench adds, and writes the
 * floor's cache entry as the service writes one.
 */
export async function seedConversations(store: TurnStore, config: AppConfig): Promise<void> {
  const turn = {
    route: 'direct_llm' as const,
    model: config.llm.defaultModel,
    user: EXPLAIN_MESSAGE,
    assistant: fakeAnswer(EXPLAIN_MESSAGE),
  };
  await store.seed(CONVERSATION_IDS, turn, Math.ceil(config.conversations.historyMaxMessages / 2));
  const { cacheTtlSeconds } = config.ultrafast;
  const entry = {
    text: fakeAnswer(QUICK_MESSAGE),
    model: config.llm.fastModel,
    expires_at: Date.now() + cacheTtlSeconds * 1000,
  };
  await store.set(FLOOR_CACHE_KEY, JSON.stringify(entry), cacheTtlSeconds);
}

/** Request bodies for `message`, one per conversation, handed out round robin. */
export class BodyRotation {
  private readonly bodies: string[];
  private next = 0;

  constructor(message: string) {
    this.bodies = CONVERSATION_IDS.map((id) => JSON.stringify({ message, conversation_id: id }));
  }

  take(): string {
    const body = this.bodies[this.next];
    this.next = (this.next + 1) % this.bodies.length;
    return body;
  }
}
