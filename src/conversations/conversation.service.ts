import { BadRequestException, Injectable } from '@nestjs/common';
import { ConversationNotFoundError } from '../common/errors.js';
import { newId } from '../common/ids.js';
import { AppConfig } from '../config/app-config.js';
import { RedisService, StoreCommand } from '../redis/redis.service.js';
import { APPEND_TURN_SCRIPT } from './append-turn.script.js';
import { RENAME_SCRIPT } from './rename.script.js';
import { conversationKeys, DEFAULT_CONVERSATION_ID } from './conversation-keys.js';
import {
  ConversationDetail,
  ConversationPage,
  ConversationSummary,
  StoredMessage,
  Turn,
} from './conversation.types.js';
import { decodeCursor, encodeCursor, PageCursor } from './page-cursor.js';

const UNTITLED = 'New conversation';
const TITLE_FROM_MESSAGE_CHARS = 60;
/** Extra index entries read past a page so equal timestamps at the cursor can be skipped. */
const TIE_ALLOWANCE = 32;

type Meta = { title?: string; created_at?: string; updated_at?: string };

/**
 * Conversations and their messages, one store for every chat route. Each principal's keys share a hash
 * tag; a turn is written by one script so the user message and its answer are never split.
 */
@Injectable()
export class ConversationService {
  constructor(
    private readonly store: RedisService,
    private readonly config: AppConfig,
  ) {}

  async create(principal: string, title?: string): Promise<ConversationSummary> {
    const id = newId('c');
    const keys = conversationKeys(principal, id);
    const now = new Date();
    const fields = ['created_at', now.toISOString(), 'updated_at', now.toISOString()];
    if (title) fields.push('title', title);
    await this.store.transaction([
      ['hset', keys.meta, ...fields],
      ['expire', keys.meta, this.config.conversations.ttlSeconds],
      ['zadd', keys.index, now.getTime(), id],
      ['expire', keys.index, this.config.conversations.ttlSeconds],
    ]);
    return summaryOf(
      id,
      { title, created_at: now.toISOString(), updated_at: now.toISOString() },
      0,
    );
  }

  async get(principal: string, id: string): Promise<ConversationDetail> {
    const keys = conversationKeys(principal, id);
    const [meta, messages] = await this.store.batch([
      ['hgetall', keys.meta],
      ['lrange', keys.messages, 0, -1],
    ]);
    const found = this.metaOrNotFound(id, meta as Meta);
    const { message_count: _count, ...summary } = summaryOf(id, found, 0);
    return { ...summary, messages: (messages as string[]).map(parseMessage) };
  }

  async list(principal: string, limit: number, cursor?: string): Promise<ConversationPage> {
    const { index } = conversationKeys(principal, DEFAULT_CONVERSATION_ID);
    const after = cursor === undefined ? undefined : this.parseCursor(cursor);
    const [flat] = await this.store.batch([
      [
        'zrevrangebyscore',
        index,
        after ? after.score : '+inf',
        '-inf',
        'WITHSCORES',
        'LIMIT',
        0,
        limit + 1 + (after ? TIE_ALLOWANCE : 0),
      ],
    ]);
    const entries = pairsOf(flat as string[]).filter((entry) => !after || isAfter(entry, after));
    const page = entries.slice(0, limit);
    const ids = page.map((entry) => entry.id);
    const summaries = await this.summaries(principal, ids);
    await this.forgetExpired(index, ids, summaries);
    const last = page.at(-1);
    return {
      items: summaries,
      next_cursor: entries.length > limit && last ? encodeCursor(last) : null,
    };
  }

  async rename(principal: string, id: string, title: string): Promise<ConversationSummary> {
    const keys = conversationKeys(principal, id);
    const now = new Date();
    const renamed = await this.store.runScript(
      RENAME_SCRIPT,
      [keys.meta, keys.index],
      [
        id,
        title,
        now.toISOString(),
        now.getTime(),
        this.config.conversations.ttlSeconds,
        id === DEFAULT_CONVERSATION_ID ? '0' : '1',
      ],
    );
    if (renamed === 0) throw new ConversationNotFoundError();
    const [summary] = await this.summaries(principal, [id]);
    return summary;
  }

  /**
   * Deletes a conversation with everything cached from its history; the default conversation
   * is emptied instead (it always exists).
   */
  async delete(principal: string, id: string): Promise<void> {
    const keys = conversationKeys(principal, id);
    const [, removed] = await this.store.transaction([
      ['zrem', keys.index, id],
      ['del', keys.meta, keys.messages, keys.derived],
    ]);
    if (removed === 0 && id !== DEFAULT_CONVERSATION_ID) throw new ConversationNotFoundError();
  }

  /**
   * The last `size` stored messages of a conversation the principal owns (404 otherwise), in one round
   * trip, together with the replies to `alongside` (reads a route wants in the same trip). The window
   * never starts with an assistant message.
   */
  async readWindow(
    principal: string,
    id: string,
    size: number,
    alongside: StoreCommand[] = [],
  ): Promise<{ history: StoredMessage[]; alongside: unknown[] }> {
    const keys = conversationKeys(principal, id);
    const [exists, raw, ...extra] = await this.store.batch([
      ['exists', keys.meta],
      size > 0 ? ['lrange', keys.messages, -size, -1] : ['ping'],
      ...alongside,
    ]);
    if (exists === 0 && id !== DEFAULT_CONVERSATION_ID) throw new ConversationNotFoundError();
    const messages = Array.isArray(raw) ? (raw as string[]).map(parseMessage) : [];
    return {
      history: messages[0]?.role === 'assistant' ? messages.slice(1) : messages,
      alongside: extra,
    };
  }

  /** Stores a completed turn atomically; 404 if the conversation was deleted meanwhile, 503 if the store is down. */
  async appendTurn(principal: string, id: string, turn: Turn): Promise<void> {
    const keys = conversationKeys(principal, id);
    const now = new Date(turn.assistant.created_at);
    const { ttlSeconds, maxMessages } = this.config.conversations;
    const count = await this.store.runScript(
      APPEND_TURN_SCRIPT,
      [keys.meta, keys.messages, keys.index],
      [
        id,
        now.toISOString(),
        now.getTime(),
        ttlSeconds,
        maxMessages,
        id === DEFAULT_CONVERSATION_ID ? '0' : '1',
        JSON.stringify(turn.user),
        JSON.stringify(turn.assistant),
        titleFromMessage(turn.user.content),
      ],
    );
    if (count === -1) throw new ConversationNotFoundError();
  }

  private async summaries(principal: string, ids: string[]): Promise<ConversationSummary[]> {
    if (ids.length === 0) return [];
    const commands = ids.flatMap((id) => {
      const keys = conversationKeys(principal, id);
      return [
        ['hgetall', keys.meta],
        ['llen', keys.messages],
      ] as Array<[string, string]>;
    });
    const replies = await this.store.batch(commands);
    return ids.flatMap((id, i) => {
      const meta = replies[2 * i] as Meta;
      return meta.created_at ? [summaryOf(id, meta, replies[2 * i + 1] as number)] : [];
    });
  }

  /** Conversations expire by TTL, their index entries do not: drop the ones a page found gone. */
  private async forgetExpired(
    index: string,
    ids: string[],
    found: ConversationSummary[],
  ): Promise<void> {
    const live = new Set(found.map((summary) => summary.conversation_id));
    const expired = ids.filter((id) => !live.has(id));
    if (expired.length > 0) await this.store.batch([['zrem', index, ...expired]]);
  }

  private metaOrNotFound(id: string, meta: Meta): Meta {
    if (meta.created_at) return meta;
    if (id !== DEFAULT_CONVERSATION_ID) throw new ConversationNotFoundError();
    const now = new Date().toISOString();
    return { created_at: now, updated_at: now };
  }

  private parseCursor(cursor: string): PageCursor {
    const parsed = decodeCursor(cursor);
    if (!parsed) throw new BadRequestException('cursor is not valid: pass next_cursor as returned');
    return parsed;
  }
}

function summaryOf(id: string, meta: Meta, count: number): ConversationSummary {
  return {
    conversation_id: id,
    title: meta.title || UNTITLED,
    created_at: meta.created_at as string,
    updated_at: meta.updated_at ?? (meta.created_at as string),
    message_count: count,
  };
}

function parseMessage(raw: string): StoredMessage {
  return JSON.parse(raw) as StoredMessage;
}

function titleFromMessage(content: string): string {
  const line = content.replace(/\s+/g, ' ').trim();
  return line.length > TITLE_FROM_MESSAGE_CHARS
    ? `${line.slice(0, TITLE_FROM_MESSAGE_CHARS - 1)}…`
    : line;
}

function pairsOf(flat: string[]): PageCursor[] {
  const pairs: PageCursor[] = [];
  for (let i = 0; i < flat.length; i += 2) pairs.push({ id: flat[i], score: Number(flat[i + 1]) });
  return pairs;
}

/** Index order is score descending, then member descending: keep what comes after the cursor. */
function isAfter(entry: PageCursor, cursor: PageCursor): boolean {
  return entry.score < cursor.score || (entry.score === cursor.score && entry.id < cursor.id);
}
