import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { loadConfig } from '../config/load-config.js';
import { RedisService } from '../redis/redis.service.js';
import { closeStore, STORE_FACTORIES } from '../../test/support/stores.js';
import { conversationKeys } from './conversation-keys.js';
import { ConversationService } from './conversation.service.js';
import { ConversationStore } from './conversation.store.js';
import { StoredMessage, Turn } from './conversation.types.js';

function turn(text: string): Turn {
  const at = new Date().toISOString();
  const base = { route: 'direct_llm' as const, model: 'test-model', created_at: at };
  const user: StoredMessage = { ...base, message_id: `m_u${text}`, role: 'user', content: text };
  const assistant: StoredMessage = {
    ...base,
    message_id: `m_a${text}`,
    role: 'assistant',
    content: `re: ${text}`,
  };
  return { user, assistant };
}

describe.each(STORE_FACTORIES)('ConversationService on the %s store', (_name, createStore) => {
  let store: RedisService;
  let conversations: ConversationService;
  const config = loadConfig({ CONVERSATION_MAX_MESSAGES: '6' });
  const principal = () => `user-${randomUUID()}`;

  beforeAll(async () => {
    store = await createStore();
    conversations = new ConversationService(new ConversationStore(store), config);
  });

  afterAll(async () => {
    await closeStore(store);
  });

  it('creates an empty conversation and reads it back', async () => {
    const user = principal();
    const created = await conversations.create(user, 'Trip');
    expect(created).toMatchObject({ title: 'Trip', message_count: 0 });
    expect(created.conversation_id).toMatch(/^c_[A-Za-z0-9]{18}$/);
    const read = await conversations.get(user, created.conversation_id);
    expect(read).toMatchObject({ conversation_id: created.conversation_id, messages: [] });
  });

  it('keeps each principal in its own keyspace: another user gets 404', async () => {
    const created = await conversations.create(principal(), 'Mine');
    await expect(conversations.get(principal(), created.conversation_id)).rejects.toMatchObject({
      status: 404,
    });
    await expect(
      conversations.appendTurn(principal(), created.conversation_id, turn('x')),
    ).rejects.toMatchObject({ status: 404 });
  });

  it('appends turns in order, caps the length and names the conversation after its first message', async () => {
    const user = principal();
    for (const text of ['one', 'two', 'three', 'four']) {
      await conversations.appendTurn(user, 'default', turn(text));
    }
    const read = await conversations.get(user, 'default');
    expect(read.title).toBe('one');
    expect(read.messages.map((m) => m.content)).toEqual([
      'two',
      're: two',
      'three',
      're: three',
      'four',
      're: four',
    ]);
    const { history, alongside } = await conversations.readWindow(user, 'default', 3, {
      commands: [['get', 'no-such-key']],
      parse: ([reply]) => ({ reply }),
    });
    expect(history.map((m) => m.content)).toEqual(['four', 're: four']);
    expect(alongside).toEqual({ reply: null });
  });

  it('reads the default conversation as empty before its first turn and empties it on delete', async () => {
    const user = principal();
    expect((await conversations.get(user, 'default')).messages).toEqual([]);
    await conversations.appendTurn(user, 'default', turn('hello'));
    await conversations.delete(user, 'default');
    expect((await conversations.get(user, 'default')).messages).toEqual([]);
  });

  it('refuses a turn for a conversation deleted meanwhile', async () => {
    const user = principal();
    const { conversation_id: id } = await conversations.create(user);
    await conversations.delete(user, id);
    await expect(conversations.appendTurn(user, id, turn('late'))).rejects.toMatchObject({
      status: 404,
    });
    await expect(conversations.get(user, id)).rejects.toMatchObject({ status: 404 });
  });

  it('lists newest first with cursor paging', async () => {
    const user = principal();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push((await conversations.create(user, `c${i}`)).conversation_id);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    await conversations.appendTurn(user, ids[0], turn('bump'));
    const first = await conversations.list(user, 2);
    expect(first.items.map((c) => c.conversation_id)).toEqual([ids[0], ids[4]]);
    expect(first.items[0].message_count).toBe(2);
    const second = await conversations.list(user, 2, first.next_cursor as string);
    expect(second.items.map((c) => c.conversation_id)).toEqual([ids[3], ids[2]]);
    const third = await conversations.list(user, 2, second.next_cursor as string);
    expect(third.items.map((c) => c.conversation_id)).toEqual([ids[1]]);
    expect(third.next_cursor).toBeNull();
  });

  it('drops expired conversations from the index when a page finds them gone', async () => {
    const user = principal();
    const { conversation_id: gone } = await conversations.create(user, 'old');
    const { conversation_id: kept } = await conversations.create(user, 'new');
    await store.batch([['del', conversationKeys(user, gone).meta]]);
    const page = await conversations.list(user, 10);
    expect(page.items.map((c) => c.conversation_id)).toEqual([kept]);
    const [remaining] = await store.batch([['zcard', conversationKeys(user, gone).index]]);
    expect(remaining).toBe(1);
  });

  it('renames a conversation', async () => {
    const user = principal();
    const { conversation_id: id } = await conversations.create(user);
    expect((await conversations.rename(user, id, 'Renamed')).title).toBe('Renamed');
    await expect(conversations.rename(user, 'c_missing', 'x')).rejects.toMatchObject({
      status: 404,
    });
  });
});
