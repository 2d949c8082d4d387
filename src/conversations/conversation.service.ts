import { BadRequestException, Injectable } from '@nestjs/common';
import {
  ConversationNotFoundError,
  IdempotencyInFlightError,
  StoreUnavailableError,
  WriteOutcomeUnknownError,
} from '../common/errors.js';
import { newId } from '../common/ids.js';
import { AppConfig } from '../config/app-config.js';
import { StoreOp } from '../redis/redis.service.js';
import { DEFAULT_CONVERSATION_ID } from './conversation-keys.js';
import {
  ConditionalSet,
  ConversationRecord,
  ConversationStore,
  Existence,
} from './conversation.store.js';
import {
  ConversationDetail,
  ConversationPage,
  ConversationSummary,
  StoredMessage,
  Turn,
} from './conversation.types.js';
import { decodeCursor, encodeCursor, PageCursor } from './page-cursor.js';

export interface ConversationWindow<T> {
  /** False when the conversation does not exist or is another principal's: a 404. */
  found: boolean;
  history: StoredMessage[];
  createdAt?: string;
  alongside?: T;
}

const UNTITLED = 'New conversation';
const TITLE_FROM_MESSAGE_CHARS = 60;
/** Extra index entries read past a page so equal timestamps at the cursor can be skipped. */
const TIE_ALLOWANCE = 32;
const DEFAULT_MESSAGES_PAGE = 100;
export const UNKNOWN_BEFORE =
  'before is not a message of this conversation (or was trimmed off): pass next_before as returned';

/**
 * Conversations and their messages, one history for every chat route. The `default` conversation
 * always exists: it reads as empty before its first turn, and deleting it empties it.
 */
@Injectable()
export class ConversationService {
  constructor(
    private readonly conversations: ConversationStore,
    private readonly config: AppConfig,
  ) {}

  async create(principal: string, title?: string): Promise<ConversationSummary> {
    const id = newId('c');
    const now = new Date().toISOString();
    const record: ConversationRecord = { title, created_at: now, updated_at: now };
    await this.conversations.create(principal, id, record, this.config.conversations.ttlSeconds);
    return summaryOf(id, record, 0);
  }

  /**
   * A conversation the principal owns (404 otherwise) with one page of messages, oldest first: the
   * newest `limit` before message `before`, or the newest `limit`; `next_before` pages further back.
   */
  async get(
    principal: string,
    id: string,
    limit = DEFAULT_MESSAGES_PAGE,
    before?: string,
  ): Promise<ConversationDetail> {
    const { record, page } = await this.conversations.read(principal, id, limit, before);
    const { message_count: _count, ...summary } = summaryOf(id, this.existing(id, record), 0);
    if (!page) throw new BadRequestException(UNKNOWN_BEFORE);
    const { messages, hasOlder } = page;
    return { ...summary, messages, next_before: hasOlder ? messages[0].message_id : null };
  }

  async list(principal: string, limit: number, cursor?: string): Promise<ConversationPage> {
    const after = cursor === undefined ? undefined : parseCursor(cursor);
    const read = limit + 1 + (after ? TIE_ALLOWANCE : 0);
    const entries = (await this.conversations.readIndex(principal, after?.score, read)).filter(
      (entry) => !after || isAfter(entry, after),
    );
    const page = entries.slice(0, limit);
    const found = await this.conversations.readSummaries(
      principal,
      page.map((entry) => entry.id),
    );
    await this.conversations.forget(
      principal,
      found.filter((summary) => !summary.record).map((summary) => summary.id),
    );
    const last = page.at(-1);
    return {
      items: found.flatMap(({ id, record, messageCount }) =>
        record ? [summaryOf(id, record, messageCount)] : [],
      ),
      next_cursor: entries.length > limit && last ? encodeCursor(last) : null,
    };
  }

  async rename(principal: string, id: string, title: string): Promise<ConversationSummary> {
    const renamed = await this.conversations.rename(
      principal,
      id,
      title,
      new Date(),
      this.config.conversations.ttlSeconds,
      existenceOf(id),
    );
    if (!renamed) throw new ConversationNotFoundError();
    const [{ record, messageCount }] = await this.conversations.readSummaries(principal, [id]);
    return summaryOf(id, this.existing(id, record), messageCount);
  }

  /** Deletes a conversation with everything cached from its history; `default` is emptied instead. */
  async delete(principal: string, id: string): Promise<void> {
    const removed = await this.conversations.delete(principal, id);
    if (!removed && id !== DEFAULT_CONVERSATION_ID) throw new ConversationNotFoundError();
  }

  /**
   * The last `size` stored messages of a conversation, never starting with an answer; whether the
   * principal has it (the caller answers 404 when not: after settling what `alongside` did); and when it
   * was created (what data derived from it is tied to). One round trip, together with `alongside`
   * (another store's op wanted in the same trip).
   */
  async readWindow<T = undefined>(
    principal: string,
    id: string,
    size: number,
    alongside?: StoreOp<T>,
  ): Promise<ConversationWindow<T>> {
    const window = await this.conversations.readWindow(principal, id, size, alongside);
    const { messages } = window;
    return {
      found: window.createdAt !== undefined || id === DEFAULT_CONVERSATION_ID,
      history: messages[0]?.role === 'assistant' ? messages.slice(1) : messages,
      createdAt: window.createdAt,
      alongside: window.alongside,
    };
  }

  /**
   * Stores a completed turn atomically, with `alsoSet` (an idempotency record) in the same step: 404 if
   * the conversation was deleted meanwhile, 409 if the idempotency claim was lost, 503 if the store is
   * down (saying whether the write may still land).
   */
  async appendTurn(
    principal: string,
    id: string,
    turn: Turn,
    alsoSet?: ConditionalSet,
  ): Promise<void> {
    const outcome = await this.conversations
      .appendTurn(
        principal,
        id,
        turn,
        titleFromMessage(turn.user.content),
        this.config.conversations,
        existenceOf(id),
        alsoSet,
      )
      .catch((error: unknown) => {
        if (error instanceof StoreUnavailableError && error.sent === 'maybe') {
          throw new WriteOutcomeUnknownError(error);
        }
        throw error;
      });
    if (outcome === 'conversation-gone') throw new ConversationNotFoundError();
    if (outcome === 'set-refused') throw new IdempotencyInFlightError();
  }

  private existing(id: string, record: ConversationRecord | undefined): ConversationRecord {
    if (record) return record;
    if (id !== DEFAULT_CONVERSATION_ID) throw new ConversationNotFoundError();
    const now = new Date().toISOString();
    return { created_at: now, updated_at: now };
  }
}

function existenceOf(id: string): Existence {
  return id === DEFAULT_CONVERSATION_ID ? 'may-create' : 'must-exist';
}

function summaryOf(id: string, record: ConversationRecord, count: number): ConversationSummary {
  return {
    conversation_id: id,
    title: record.title || UNTITLED,
    created_at: record.created_at,
    updated_at: record.updated_at,
    message_count: count,
  };
}

function parseCursor(cursor: string): PageCursor {
  const parsed = decodeCursor(cursor);
  if (!parsed) throw new BadRequestException('cursor is not valid: pass next_cursor as returned');
  return parsed;
}

function titleFromMessage(content: string): string {
  const line = content.replace(/\s+/g, ' ').trim();
  return line.length > TITLE_FROM_MESSAGE_CHARS
    ? `${line.slice(0, TITLE_FROM_MESSAGE_CHARS - 1)}…`
    : line;
}

/** Index order is score descending, then member descending: keep what comes after the cursor. */
function isAfter(entry: PageCursor, cursor: PageCursor): boolean {
  return entry.score < cursor.score || (entry.score === cursor.score && entry.id < cursor.id);
}
