import { Injectable } from '@nestjs/common';
import { RedisService, StoreOp } from '../redis/redis.service.js';
import { APPEND_TURN_SCRIPT } from './append-turn.script.js';
import { conversationIndexKey, conversationKeys } from './conversation-keys.js';
import { StoredMessage, Turn } from './conversation.types.js';
import { RENAME_SCRIPT } from './rename.script.js';

/** A conversation's own fields as stored; absent when the conversation does not exist. */
export interface ConversationRecord {
  title?: string;
  created_at: string;
  updated_at: string;
}

export interface IndexEntry {
  id: string;
  /** updated_at in epoch milliseconds. */
  score: number;
}

export interface Retention {
  ttlSeconds: number;
  maxMessages: number;
}

/**
 * Another store's key written in the same atomic step as a turn (an idempotency record), only if it
 * still holds `expect`; otherwise the turn is not written either.
 */
export interface ConditionalSet {
  key: string;
  expect: string;
  value: string;
  ttlSeconds: number;
}

export type AppendOutcome = 'appended' | 'conversation-gone' | 'set-refused';

/** Whether a write needs the conversation to exist already (every one but `default` does). */
export type Existence = 'must-exist' | 'may-create';

/**
 * Conversations in the store: the meta hash, the message list, the principal's index sorted by
 * updated_at, and the derived-data hash. Owns the keys, the scripts and the parsing of replies.
 */
@Injectable()
export class ConversationStore {
  constructor(private readonly store: RedisService) {}

  async create(
    principal: string,
    id: string,
    record: ConversationRecord,
    ttlSeconds: number,
  ): Promise<void> {
    const keys = conversationKeys(principal, id);
    const fields = ['created_at', record.created_at, 'updated_at', record.updated_at];
    if (record.title) fields.push('title', record.title);
    await this.store.transaction([
      ['hset', keys.meta, ...fields],
      ['expire', keys.meta, ttlSeconds],
      ['zadd', keys.index, Date.parse(record.updated_at), id],
      ['expire', keys.index, ttlSeconds],
    ]);
  }

  /**
   * The conversation's record and one page of its messages, oldest first: the newest `limit` before
   * message `before` (exclusive), or the newest `limit` without it; `hasOlder` says whether older
   * messages remain. `page` is undefined when `before` is not in the list (never was, or trimmed off).
   *
   * Without `before`: one round trip reading `limit + 1` messages. With it, the list is read from its
   * end in LRANGE windows of 2·(limit + 1) messages, doubling, until `before` is found with `limit`
   * messages ahead of it or the whole list has been read: at most about log2(n / limit) + 1 round
   * trips (n ≤ CONVERSATION_MAX_MESSAGES), moving under twice the messages from the page to the end.
   * Each window is one LRANGE, a snapshot of its own, so turns appended (or trimmed off the front)
   * between round trips never put a gap or a duplicate in a page.
   */
  async read(
    principal: string,
    id: string,
    limit: number,
    before?: string,
  ): Promise<{
    record?: ConversationRecord;
    page?: { messages: StoredMessage[]; hasOlder: boolean };
  }> {
    const keys = conversationKeys(principal, id);
    let size = before === undefined ? limit + 1 : 2 * (limit + 1);
    const [meta, first] = await this.store.batch([
      ['hgetall', keys.meta],
      ['lrange', keys.messages, -size, -1],
    ]);
    const record = recordOf(meta);
    let window = (first as string[]).map(parseMessage);
    for (;;) {
      const whole = window.length < size;
      const end =
        before === undefined
          ? window.length
          : window.findLastIndex((message) => message.message_id === before);
      if (end >= 0 && (end > limit || whole)) {
        const messages = window.slice(Math.max(end - limit, 0), end);
        return { record, page: { messages, hasOlder: end > limit } };
      }
      if (whole) return { record };
      size *= 2;
      const [next] = await this.store.batch([['lrange', keys.messages, -size, -1]]);
      window = (next as string[]).map(parseMessage);
    }
  }

  /**
   * The last `size` messages and when the conversation was created (undefined: it does not exist), in
   * one round trip, together with
   * `alongside` (another store's read that the caller wants in the same trip).
   */
  async readWindow<T = undefined>(
    principal: string,
    id: string,
    size: number,
    alongside?: StoreOp<T>,
  ): Promise<{ createdAt?: string; messages: StoredMessage[]; alongside?: T }> {
    const keys = conversationKeys(principal, id);
    const [createdAt, raw, ...extra] = await this.store.batch([
      ['hget', keys.meta, 'created_at'],
      size > 0 ? ['lrange', keys.messages, -size, -1] : ['ping'],
      ...(alongside?.commands ?? []),
    ]);
    return {
      createdAt: typeof createdAt === 'string' ? createdAt : undefined,
      messages: Array.isArray(raw) ? (raw as string[]).map(parseMessage) : [],
      alongside: alongside?.parse(extra),
    };
  }

  /** Index entries with a score at most `maxScore` (all when undefined), newest first. */
  async readIndex(
    principal: string,
    maxScore: number | undefined,
    count: number,
  ): Promise<IndexEntry[]> {
    const index = conversationIndexKey(principal);
    const [flat] = await this.store.batch([
      ['zrevrangebyscore', index, maxScore ?? '+inf', '-inf', 'WITHSCORES', 'LIMIT', 0, count],
    ]);
    const entries: IndexEntry[] = [];
    const items = flat as string[];
    for (let i = 0; i < items.length; i += 2) {
      entries.push({ id: items[i], score: Number(items[i + 1]) });
    }
    return entries;
  }

  /** The record and message count of each conversation, in order; undefined records are gone. */
  async readSummaries(
    principal: string,
    ids: string[],
  ): Promise<Array<{ id: string; record?: ConversationRecord; messageCount: number }>> {
    if (ids.length === 0) return [];
    const replies = await this.store.batch(
      ids.flatMap((id) => {
        const keys = conversationKeys(principal, id);
        return [
          ['hgetall', keys.meta],
          ['llen', keys.messages],
        ] as Array<[string, string]>;
      }),
    );
    return ids.map((id, i) => ({
      id,
      record: recordOf(replies[2 * i]),
      messageCount: replies[2 * i + 1] as number,
    }));
  }

  /** Drops index entries whose conversations expired (their index entries do not expire alone). */
  async forget(principal: string, ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.store.batch([['zrem', conversationIndexKey(principal), ...ids]]);
  }

  /** False when the conversation had to exist and did not. */
  async rename(
    principal: string,
    id: string,
    title: string,
    now: Date,
    ttlSeconds: number,
    existence: Existence,
  ): Promise<boolean> {
    const keys = conversationKeys(principal, id);
    const renamed = await this.store.runScript(
      RENAME_SCRIPT,
      [keys.meta, keys.index],
      [id, title, now.toISOString(), now.getTime(), ttlSeconds, flag(existence)],
    );
    return renamed === 1;
  }

  /** Removes the conversation with its messages and derived data; false when it did not exist. */
  async delete(principal: string, id: string): Promise<boolean> {
    const keys = conversationKeys(principal, id);
    const [, removed] = await this.store.transaction([
      ['zrem', keys.index, id],
      ['del', keys.meta, keys.messages, keys.derived],
    ]);
    return (removed as number) > 0;
  }

  /**
   * Appends the user message and its answer together (one script), refreshes TTLs, caps the length and
   * moves the conversation to the top of the index. False when it had to exist and did not.
   */
  async appendTurn(
    principal: string,
    id: string,
    turn: Turn,
    title: string,
    retention: Retention,
    existence: Existence,
    alsoSet?: ConditionalSet,
  ): Promise<AppendOutcome> {
    const keys = conversationKeys(principal, id);
    const at = new Date(turn.assistant.created_at);
    const count = await this.store.runScript(
      APPEND_TURN_SCRIPT,
      [keys.meta, keys.messages, keys.index, ...(alsoSet ? [alsoSet.key] : [])],
      [
        id,
        at.toISOString(),
        at.getTime(),
        retention.ttlSeconds,
        retention.maxMessages,
        flag(existence),
        JSON.stringify(turn.user),
        JSON.stringify(turn.assistant),
        title,
        ...(alsoSet ? [alsoSet.expect, alsoSet.value, alsoSet.ttlSeconds] : []),
      ],
    );
    if (count === -1) return 'conversation-gone';
    return count === -2 ? 'set-refused' : 'appended';
  }
}

function flag(existence: Existence): '0' | '1' {
  return existence === 'must-exist' ? '1' : '0';
}

function recordOf(reply: unknown): ConversationRecord | undefined {
  const meta = reply as Partial<ConversationRecord>;
  if (!meta.created_at) return undefined;
  return {
    title: meta.title || undefined,
    created_at: meta.created_at,
    updated_at: meta.updated_at ?? meta.created_at,
  };
}

function parseMessage(raw: string): StoredMessage {
  return JSON.parse(raw) as StoredMessage;
}
