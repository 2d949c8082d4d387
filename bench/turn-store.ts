/**
 * The app's own conversation keys and append script, driven by a bare ioredis client: the floor's store
 * work, and the seeding of the bench's conversations.
 */
import { Redis } from 'ioredis';
import { newId } from '../src/common/ids.js';
import { APPEND_TURN_SCRIPT } from '../src/conversations/append-turn.script.js';
import { conversationKeys } from '../src/conversations/conversation-keys.js';
import type { Retention } from '../src/conversations/conversation.store.js';
import type { StoredMessage } from '../src/conversations/conversation.types.js';
import type { Route } from '../src/routing/routing.types.js';

type AppendTurn = (...args: Array<string | number>) => unknown;

/** A turn as the bench writes it: the message and the answer, with the route and model that made it. */
export interface TurnText {
  route: Route;
  model: string;
  user: string;
  assistant: string;
}

export class TurnStore {
  private readonly redis: Redis;

  constructor(
    url: string,
    private readonly principal: string,
    private readonly retention: Retention,
  ) {
    this.redis = new Redis(url);
    this.redis.defineCommand(APPEND_TURN_SCRIPT.name, {
      lua: APPEND_TURN_SCRIPT.lua,
      numberOfKeys: 3,
    });
  }

  /**
   * The last `size` messages, never starting with an answer, in one pipelined read of the meta hash's
   * created_at and the list, as ConversationStore.readWindow does; undefined when it does not exist.
   */
  async readWindow(conversationId: string, size: number): Promise<StoredMessage[] | undefined> {
    const keys = conversationKeys(this.principal, conversationId);
    const [[, createdAt], [, raw]] = (await this.redis
      .pipeline()
      .hget(keys.meta, 'created_at')
      .lrange(keys.messages, -size, -1)
      .exec()) as [[null, string | null], [null, string[]]];
    if (createdAt === null) return undefined;
    const messages = raw.map((text) => JSON.parse(text) as StoredMessage);
    return messages[0]?.role === 'assistant' ? messages.slice(1) : messages;
  }

  /**
   * One turn into an existing conversation, with the script and arguments the service uses; the answer
   * is stored under `answerId`.
   */
  appendTurn(conversationId: string, turn: TurnText, answerId: string): Promise<number> {
    return this.appendOn(
      this.redis,
      conversationId,
      turn,
      'must-exist',
      answerId,
    ) as Promise<number>;
  }

  /** `turns` turns into each conversation (created by its first), pipelined. */
  async seed(conversationIds: string[], turn: TurnText, turns: number): Promise<void> {
    const pipeline = this.redis.pipeline();
    for (const id of conversationIds) {
      for (let i = 0; i < turns; i++) this.appendOn(pipeline, id, turn, 'may-create', newId('m'));
    }
    await pipeline.exec();
  }

  async get(key: string): Promise<string | null> {
    return this.redis.get(key);
  }

  async set(key: string, value: string, ttlSeconds: number): Promise<void> {
    await this.redis.set(key, value, 'EX', ttlSeconds);
  }

  async serverVersion(): Promise<string> {
    const info = await this.redis.info('server');
    return /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown';
  }

  async close(): Promise<void> {
    await this.redis.quit();
  }

  private appendOn(
    target: object,
    conversationId: string,
    turn: TurnText,
    existence: 'must-exist' | 'may-create',
    answerId: string,
  ): unknown {
    const keys = conversationKeys(this.principal, conversationId);
    const now = new Date();
    const stored = (role: StoredMessage['role'], content: string, id: string): string =>
      JSON.stringify({
        message_id: id,
        role,
        content,
        route: turn.route,
        model: turn.model,
        created_at: now.toISOString(),
      } satisfies StoredMessage);
    const append = (target as Record<string, AppendTurn>)[APPEND_TURN_SCRIPT.name];
    return append.call(
      target,
      keys.meta,
      keys.messages,
      keys.index,
      conversationId,
      now.toISOString(),
      now.getTime(),
      this.retention.ttlSeconds,
      this.retention.maxMessages,
      existence === 'must-exist' ? '1' : '0',
      stored('user', turn.user, newId('m')),
      stored('assistant', turn.assistant, answerId),
      turn.user.slice(0, 60),
    );
  }
}
