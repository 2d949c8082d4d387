import { describe, expect, it } from '@jest/globals';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { JsonRpcLineReader, OversizeMessage } from './json-rpc-line-reader.js';

const LIMITS = { maxMessageBytes: 1000, keptBytes: 300, maxLineBytes: 50_000 };

function reader(limits = LIMITS) {
  const messages: JSONRPCMessage[] = [];
  const errors: Error[] = [];
  const oversize: OversizeMessage[] = [];
  const endless: number[] = [];
  const lines = new JsonRpcLineReader(limits, {
    message: (message) => messages.push(message),
    error: (error) => errors.push(error),
    oversize: (report) => oversize.push(report),
    endless: (bytes) => endless.push(bytes),
  });
  /** Feeds `text` in chunks of `size` bytes. */
  const feed = (text: string, size = 64) => {
    const bytes = Buffer.from(text);
    for (let at = 0; at < bytes.length; at += size) lines.push(bytes.subarray(at, at + size));
  };
  return { lines, messages, errors, oversize, endless, feed };
}

const line = (message: object) => `${JSON.stringify(message)}\n`;
const toolResult = (id: number, text: string) =>
  line({
    result: { content: [{ type: 'text', text }], structuredContent: { text } },
    jsonrpc: '2.0',
    id,
  });

describe('JsonRpcLineReader', () => {
  it('reads messages split across chunks, several per chunk, with CRLF', () => {
    const { messages, errors, feed } = reader();
    feed(
      `${line({ jsonrpc: '2.0', id: 1, result: {} })}\r\n${line({ jsonrpc: '2.0', method: 'x' })}`,
      7,
    );
    expect(messages).toEqual([
      { jsonrpc: '2.0', id: 1, result: {} },
      { jsonrpc: '2.0', method: 'x' },
    ]);
    expect(errors).toEqual([]);
  });

  it('reports a line that is not JSON-RPC and goes on', () => {
    const { messages, errors, feed } = reader();
    feed(`not json\n${line({ jsonrpc: '2.0', id: 2, result: {} })}`);
    expect(errors).toHaveLength(1);
    expect(messages).toEqual([{ jsonrpc: '2.0', id: 2, result: {} }]);
  });

  it('answers an oversize tool result with its beginning, saying it was cut, and goes on', () => {
    const { messages, oversize, feed } = reader();
    const text = 'abcdefghij'.repeat(500);
    feed(toolResult(7, text) + line({ jsonrpc: '2.0', id: 8, result: {} }));

    expect(oversize).toEqual([{ bytes: toolResult(7, text).length - 1, answered: 'cut result' }]);
    const [cut, next] = messages as unknown as Array<{
      id: number;
      result: { content: Array<{ text: string }> };
    }>;
    expect(cut.id).toBe(7);
    const [note, kept] = cut.result.content;
    expect(note.text).toMatch(
      /^\[Only the beginning of this result is shown: the server sent \d+\.\d KiB, more than the 1000 bytes/,
    );
    expect(text.startsWith(kept.text)).toBe(true);
    expect(kept.text.length).toBeGreaterThan(200);
    expect(kept.text.length).toBeLessThan(300);
    expect(cut.result).not.toHaveProperty('structuredContent');
    expect(next).toEqual({ jsonrpc: '2.0', id: 8, result: {} });
  });

  it('finds the id of an oversize message wherever it is', () => {
    const { messages, feed } = reader();
    const content = [{ type: 'text', text: 'y'.repeat(2000) }];
    feed(line({ jsonrpc: '2.0', id: 'first', result: { content } }), 100);
    expect(messages[0]).toMatchObject({ id: 'first', result: { content: [{}, { type: 'text' }] } });
  });

  it('answers an oversize result that is not a tool result with an error', () => {
    const { messages, oversize, feed } = reader();
    feed(line({ jsonrpc: '2.0', id: 3, result: { tools: [{ name: 'x'.repeat(2000) }] } }));
    expect(oversize[0].answered).toBe('error');
    expect(messages).toEqual([
      {
        jsonrpc: '2.0',
        id: 3,
        error: {
          code: -32603,
          message: expect.stringMatching(
            /^The server's answer was 2\.0 KiB, more than the 1000 bytes one message may hold/,
          ),
        },
      },
    ]);
  });

  it('drops an oversize notification: nothing waits for it', () => {
    const { messages, oversize, feed } = reader();
    feed(
      line({ jsonrpc: '2.0', method: 'notifications/message', params: { data: 'z'.repeat(5000) } }),
    );
    expect(messages).toEqual([]);
    expect(oversize).toEqual([expect.objectContaining({ answered: 'nothing' })]);
  });

  it('says when a line has begun and not ended', () => {
    const { lines, messages, feed } = reader();
    expect(lines.midLine).toBe(false);
    feed('{"jsonrpc":"2.0",');
    expect(lines.midLine).toBe(true);
    feed('"id":1,"result":{}}\n');
    expect(lines.midLine).toBe(false);
    expect(messages).toEqual([{ jsonrpc: '2.0', id: 1, result: {} }]);
  });

  it('gives up on a line past maxLineBytes, reads nothing more until cleared, then reads afresh', () => {
    const { lines, messages, oversize, endless, feed } = reader();
    feed('{"k0":0,');
    for (let i = 1; endless.length === 0; i++) feed(`"k${i}":0,`);
    expect(endless[0]).toBeGreaterThan(50_000);
    expect(endless[0]).toBeLessThan(50_020);
    expect(lines.midLine).toBe(false);
    feed(`"more":0}\n${line({ jsonrpc: '2.0', id: 1, result: {} })}`);
    expect(messages).toEqual([]);
    expect(endless).toHaveLength(1);
    expect(oversize).toEqual([]);

    lines.clear();
    feed(line({ jsonrpc: '2.0', id: 2, result: {} }));
    expect(messages).toEqual([{ jsonrpc: '2.0', id: 2, result: {} }]);
  });

  it('holds no more than the limit of a message of any size', () => {
    const { messages, feed } = reader({
      maxMessageBytes: 64 * 1024,
      keptBytes: 16 * 1024,
      maxLineBytes: 64 * 1024 * 1024,
    });
    const text = 'q'.repeat(8 * 1024 * 1024);
    feed(toolResult(1, text), 64 * 1024);
    const kept = (messages[0] as unknown as { result: { content: Array<{ text: string }> } }).result
      .content[1];
    expect(kept.text.length).toBeLessThan(16 * 1024);
  });
});
