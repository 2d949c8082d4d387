import { describe, expect, it } from '@jest/globals';
import { StoredMessage } from '../conversations/conversation.types.js';
import { toModelMessages } from './history-window.js';

function message(role: StoredMessage['role'], content: string): StoredMessage {
  return { message_id: 'm', role, content, route: 'direct_llm', model: 'x', created_at: '' };
}

describe('toModelMessages', () => {
  const history = [
    message('user', 'a'.repeat(400)),
    message('assistant', 'b'.repeat(400)),
    message('user', 'c'.repeat(40)),
    message('assistant', 'd'.repeat(40)),
  ];

  it('sends the whole window and the new message when it fits', () => {
    const messages = toModelMessages(history, 'next', 10_000);
    expect(messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant', 'user']);
    expect(messages.at(-1)).toEqual({ role: 'user', content: 'next' });
  });

  it('drops the oldest messages first to fit the token budget, never starting with an answer', () => {
    const messages = toModelMessages(history, 'next', 150);
    expect(messages).toEqual([
      { role: 'user', content: 'c'.repeat(40) },
      { role: 'assistant', content: 'd'.repeat(40) },
      { role: 'user', content: 'next' },
    ]);
  });

  it('sends the message alone with a zero budget', () => {
    expect(toModelMessages(history, 'next', 0)).toEqual([{ role: 'user', content: 'next' }]);
  });

  it('never sends an empty stored answer (the API refuses empty messages)', () => {
    const messages = toModelMessages(
      [message('user', 'hi'), message('assistant', '')],
      'next',
      100,
    );
    expect(messages[1]).toEqual({ role: 'assistant', content: '(no text)' });
  });
});
