import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { AppConfig, CacheScope } from '../config/app-config.js';
import { derivedDataSlot, principalTag } from '../conversations/conversation-keys.js';
import { HistoryTurn } from '../routing/routing.types.js';
import { CacheSlot, cachedValueRead, writeCachedValue } from '../redis/cache-slot.js';
import { combineOps, RedisService, StoreOp } from '../redis/redis.service.js';
import { DELETE_IF_OWNED_SCRIPT } from '../redis/owned-key.scripts.js';

export interface CachedAnswer {
  text: string;
  model: string;
}

/** A cache read's outcome; `hit` is absent on a miss. */
export interface CacheLookup {
  hit?: CachedAnswer;
}

/** What an answer is keyed by: the model, the prompt version and the exact input sent. */
export interface AnswerKey {
  principal: string;
  conversationId: string;
  /** The conversation's incarnation, for answers derived from its history. */
  conversationCreatedAt?: string;
  model: string;
  promptVersion: string;
  window: HistoryTurn[];
  message: string;
}

/** Where one cached answer lives, with its single-flight lock. */
export interface AnswerSlot {
  /** Identifies the entry within this process (the in-process single flight). */
  id: string;
  slot: CacheSlot;
  lockKey: string;
}

/**
 * The ultrafast answers in the store. Context-free answers (nothing from history was sent) are plain
 * keys in the configured scope, so they hit whatever came before; answers that depended on history are
 * derived data of their conversation, deleted with it.
 */
@Injectable()
export class AnswerCacheStore {
  private readonly scope: CacheScope;
  private readonly ttlSeconds: number;

  constructor(
    private readonly store: RedisService,
    config: AppConfig,
  ) {
    this.scope = config.ultrafast.cacheScope;
    this.ttlSeconds = config.ultrafast.cacheTtlSeconds;
  }

  /** Under CACHE_SCOPE=global the entry lives in another Redis Cluster slot than the principal's keys. */
  get sharesSlotWithConversations(): boolean {
    return this.scope === 'user';
  }

  locate(key: AnswerKey): AnswerSlot {
    const hash = inputHash(key);
    if (key.window.length > 0) {
      const slot = derivedDataSlot(
        key.principal,
        key.conversationId,
        `answer:${hash}`,
        key.conversationCreatedAt,
      );
      return { id: `${slot.key}#${hash}`, slot, lockKey: `${slot.key}:lock:${hash}` };
    }
    // A global entry gets its own hash tag, so it and its lock share a Redis Cluster slot.
    const entry =
      this.scope === 'global'
        ? `chat:answer-cache:{${hash}}`
        : `${principalTag(key.principal)}:answer-cache:${hash}`;
    return { id: entry, slot: { kind: 'key', key: entry }, lockKey: `${entry}:lock` };
  }

  lookup(slot: AnswerSlot): StoreOp<CacheLookup> {
    const read = cachedValueRead<CachedAnswer>(slot.slot);
    return { commands: read.commands, parse: (replies) => ({ hit: read.parse(replies) }) };
  }

  read(slot: AnswerSlot): Promise<CacheLookup> {
    return this.store.run(this.lookup(slot));
  }

  async write(slot: AnswerSlot, answer: CachedAnswer): Promise<void> {
    await writeCachedValue(this.store, slot.slot, answer, this.ttlSeconds);
  }

  /** True when this request now holds the entry's lock (it computes the answer for everyone). */
  tryLock(slot: AnswerSlot, token: string, ttlMs: number): Promise<boolean> {
    return this.store.set(slot.lockKey, token, { ttlMs, onlyIfAbsent: true });
  }

  /** Releases the lock only if it still holds our token (an expired lock may be someone else's). */
  async releaseLock(slot: AnswerSlot, token: string): Promise<void> {
    await this.store.runScript(DELETE_IF_OWNED_SCRIPT, [slot.lockKey], [token]);
  }

  /** The answer if it has arrived, and whether the lock is still held. */
  async poll(slot: AnswerSlot): Promise<{ hit?: CachedAnswer; locked: boolean }> {
    return this.store.run(
      combineOps({
        hit: cachedValueRead<CachedAnswer>(slot.slot),
        locked: { commands: [['exists', slot.lockKey]], parse: ([lock]) => lock === 1 },
      }),
    );
  }
}

/** The model, the prompt version and the exact input sent, normalised for white space and case. */
function inputHash({ model, promptVersion, window, message }: AnswerKey): string {
  const input = [
    ...window.map((m) => `${m.role}:${normalise(m.content)}`),
    `user:${normalise(message)}`,
  ];
  return createHash('sha256')
    .update(JSON.stringify([model, promptVersion, input]))
    .digest('base64url');
}

function normalise(text: string): string {
  return text.replace(/\s+/g, ' ').trim().toLowerCase();
}
