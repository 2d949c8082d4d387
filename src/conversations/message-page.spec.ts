import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { loadConfig } from '../config/load-config.js';
import { RedisService, StoreCommand, StoreScript, StoreValue } from '../redis/redis.service.js';
import { closeStore, STORE_FACTORIES } from '../../test/support/stores.js';
import { ConversationService } from './conversation.service.js';
import { ConversationStore } from './conversation.store.js';
import { StoredMessage, Turn } from './conversation.types.js';

function turn(text: string): Turn {
  const base = {
    route: 'direct_llm' as const,
    model: 'test-model',
    created_at: new Date().toISOString(),
  };
  const user: StoredMessage = { ...base, message_id: `m_u${text}`, role: 'user', content: text };
  const assistant: StoredMessage = {
    ...base,
    message_id: `m_a${text}`,
    role: 'assistant',
    content: '',
  };
  return { user, assistant };
}

/** The real store, counting round trips and running `between` once after the next batch. */
class ObservedStore extends RedisService {
  readonly kind = 'embedded' as const;
  batches = 0;
  between?: () => Promise<void>;

  constructor(private readonly inner: RedisService) {
    super();
  }

  async batch(commands: StoreCommand[]): Promise<unknown[]> {
    this.batches++;
    const replies = await this.inner.batch(commands);
    const between = this.between;
    this.between = undefined;
    await between?.();
    return replies;
  }

  transaction(commands: StoreCommand[]): Promise<unknown[]> {
    return this.inner.transaction(commands);
  }

  runScript(script: StoreScript, keys: string[], args: StoreValue[]): Promise<unknown> {
    return this.inner.runScript(script, keys, args);
  }

  ping(): Promise<void> {
    return this.inner.ping();
  }
}

describe.each(STORE_FACTORIES)(
  'Reading messages a page at a time on the %s store',
  (_name, createStore) => {
    let inner: RedisService;
    let store: ObservedStore;
    const serviceWith = (maxMessages: number) =>
      new ConversationService(
        new ConversationStore(store),
        loadConfig({ CONVERSATION_MAX_MESSAGES: String(maxMessages) }),
      );
    const principal = () => `user-${randomUUID()}`;
    const ids = (messages: StoredMessage[]) => messages.map((message) => message.message_id);

    async function conversationOf(turns: number, maxMessages = 1000) {
      const user = principal();
      const conversations = serviceWith(maxMessages);
      for (let i = 0; i < turns; i++) await conversations.appendTurn(user, 'default', turn(`${i}`));
      const all = (await conversations.get(user, 'default', 1000)).messages;
      return { user, conversations, all };
    }

    beforeAll(async () => {
      inner = await createStore();
      store = new ObservedStore(inner);
    });

    afterAll(async () => {
      await closeStore(inner);
    });

    it('pages back through a long conversation at any page size, without gaps or repeats', async () => {
      const { user, conversations, all } = await conversationOf(60);
      expect(all).toHaveLength(120);
      for (const limit of [1, 7, 50, 119, 120]) {
        const pages: StoredMessage[][] = [];
        let before: string | undefined;
        do {
          const page = await conversations.get(user, 'default', limit, before);
          expect(page.messages.length).toBeLessThanOrEqual(limit);
          pages.unshift(page.messages);
          before = page.next_before ?? undefined;
        } while (before);
        expect([limit, ids(pages.flat())]).toEqual([limit, ids(all)]);
      }
    });

    it('costs one round trip for the newest page or one near the end, a few for a deep one', async () => {
      const { user, conversations, all } = await conversationOf(100);
      const tripsFor = async (limit: number, before?: string) => {
        const start = store.batches;
        await conversations.get(user, 'default', limit, before);
        return store.batches - start;
      };
      expect(await tripsFor(10)).toBe(1);
      expect(await tripsFor(10, all[190].message_id)).toBe(1);
      expect(await tripsFor(10, all[20].message_id)).toBe(5);
      expect(await tripsFor(100, all[0].message_id)).toBe(1);
    });

    it('refuses a `before` that is not in the conversation, or was trimmed off its front', async () => {
      const { user, conversations, all } = await conversationOf(4, 6);
      expect(ids(all)).toEqual(['m_u1', 'm_a1', 'm_u2', 'm_a2', 'm_u3', 'm_a3']);
      for (const before of ['m_u0', 'm_elsewhere']) {
        await expect(conversations.get(user, 'default', 10, before)).rejects.toMatchObject({
          status: 400,
          message: expect.stringContaining('pass next_before as returned'),
        });
      }
      await expect(conversations.get(user, 'c_missing', 10, 'm_u1')).rejects.toMatchObject({
        status: 404,
      });
    });

    it('stays exact when turns are appended, and old ones trimmed, between its round trips', async () => {
      const { user, conversations, all } = await conversationOf(50, 120);
      store.between = async () => {
        for (let i = 0; i < 20; i++)
          await conversations.appendTurn(user, 'default', turn(`new${i}`));
      };
      const page = await conversations.get(user, 'default', 5, all[30].message_id);
      expect(ids(page.messages)).toEqual(ids(all.slice(25, 30)));
      expect(page.next_before).toBe(all[25].message_id);
    });
  },
);
