import { describe, expect, it } from '@jest/globals';
import { closeCutJson, TopLevelScanner } from './cut-json.js';

/** Scans `text` in chunks of `size` bytes. */
function scan(text: string, size = Number.POSITIVE_INFINITY): TopLevelScanner {
  const scanner = new TopLevelScanner();
  const bytes = Buffer.from(text);
  for (let at = 0; at < bytes.length; at += Math.min(size, bytes.length)) {
    scanner.push(bytes.subarray(at, at + size));
  }
  return scanner;
}

describe('TopLevelScanner', () => {
  const big = 'x'.repeat(5000);

  it('finds the id after the result (the TypeScript SDK) and before it (the Python SDK)', () => {
    const after = `{"result":{"content":[{"type":"text","text":"${big}"}]},"jsonrpc":"2.0","id":17}`;
    const before = `{"jsonrpc":"2.0","id":"req-1","result":{"content":[{"text":"${big}"}]}}`;
    expect(scan(after)).toMatchObject({ id: '17', hasResult: true, hasError: false });
    expect(scan(before).id).toBe('"req-1"');
    const error = scan(`{"jsonrpc":"2.0","id":4,"error":{"code":1,"message":"${big}"}}`);
    expect(error).toMatchObject({ id: '4', hasResult: false, hasError: true });
    // Keys of nested objects, look-alikes and values are not the message's.
    expect(scan('{"results":1,"data":{"result":2,"error":3},"x":"result","id":1}')).toMatchObject({
      hasResult: false,
      hasError: false,
    });
  });

  it('is not fooled by ids, quotes and braces inside strings or nested objects', () => {
    const text =
      '{"result":{"id":99,"content":[{"type":"text","text":"\\"id\\":5}, {\\\\\\"id\\":6 ]"}],' +
      '"meta":{"id":"inner"}},"jsonrpc":"2.0","id":"a,\\"b}"}';
    expect(JSON.parse(text)).toBeDefined();
    for (const size of [1, 2, 3, 7, 64, Number.POSITIVE_INFINITY]) {
      const scanner = scan(text, size);
      expect(scanner.id).toBe('"a,\\"b}"');
      expect(JSON.parse(scanner.id ?? '')).toBe('a,"b}');
    }
  });

  it('reads a long string full of escapes in one pass, wherever the chunks are cut', () => {
    const text = `{"result":{"content":[{"text":${JSON.stringify('a\n"b\\'.repeat(2000))}}]},"id":3}`;
    for (const size of [1, 5, 4096]) expect(scan(text, size).id).toBe('3');
  });

  it('holds no more than one short key, however many keys a line that never ends names', () => {
    const scanner = new TopLevelScanner();
    scanner.push(Buffer.from('{'));
    for (let chunk = 0; chunk < 100; chunk++) {
      const keys = Array.from({ length: 2000 }, (_, i) => `"k${chunk}_${i}":0,`).join('');
      scanner.push(Buffer.from(keys));
    }
    scanner.push(Buffer.from(`"${'long'.repeat(1000)}":{"id":`));
    for (const held of Object.values(scanner) as unknown[]) {
      if (held instanceof Set || held instanceof Map) expect(held.size).toBeLessThanOrEqual(256);
      if (held instanceof Array || held instanceof Uint8Array) {
        expect(held.length).toBeLessThanOrEqual(256);
      }
      if (typeof held === 'string') expect(held.length).toBeLessThanOrEqual(256);
    }
    expect(scanner).toMatchObject({ hasResult: false, hasError: false, id: undefined });
  });

  it('has no id for a notification', () => {
    expect(
      scan(`{"jsonrpc":"2.0","method":"notifications/message","params":{"data":"${big}"}}`).id,
    ).toBeUndefined();
  });
});

describe('closeCutJson', () => {
  const cut = (text: string, at: number) => closeCutJson(Buffer.from(text).subarray(0, at));

  it('closes a string value cut in the middle, and every open container', () => {
    const text = '{"result":{"content":[{"type":"text","text":"hello world"}]},"id":1}';
    const json = cut(text, text.indexOf('world') + 2);
    expect(JSON.parse(json ?? '')).toEqual({
      result: { content: [{ type: 'text', text: 'hello wo' }] },
    });
  });

  it('never cuts inside an escape', () => {
    const text = '{"text":"ab\\u00e9cd\\nef"}';
    for (let at = text.indexOf('\\u'); at < text.indexOf('cd'); at++) {
      expect(JSON.parse(cut(text, at) ?? '')).toEqual({ text: 'ab' });
    }
    expect(JSON.parse(cut(text, text.indexOf('\\n') + 1) ?? '')).toEqual({ text: 'ab\u00e9cd' });
  });

  it('never splits a UTF-8 character', () => {
    const text = '{"text":"a€😀b"}';
    const bytes = Buffer.from(text);
    const seen = new Set<string>();
    for (let at = bytes.indexOf('a') + 1; at <= bytes.indexOf('b'); at++) {
      const value = (JSON.parse(closeCutJson(bytes.subarray(0, at)) ?? '') as { text: string })
        .text;
      expect(value).not.toContain('\ufffd');
      seen.add(value);
    }
    expect([...seen]).toEqual(['a', 'a€', 'a€😀']);
  });

  it('cut in a key, a number or after a colon, keeps the last complete value', () => {
    const text = '{"a":[1,{"b":"c"}],"longkey":12345,"d":true}';
    expect(JSON.parse(cut(text, text.indexOf('longkey') + 3) ?? '')).toEqual({
      a: [1, { b: 'c' }],
    });
    expect(JSON.parse(cut(text, text.indexOf('12345') + 2) ?? '')).toEqual({ a: [1, { b: 'c' }] });
    expect(JSON.parse(cut(text, text.indexOf('12345')) ?? '')).toEqual({ a: [1, { b: 'c' }] });
    expect(JSON.parse(cut(text, text.indexOf('{"b"') + 2) ?? '')).toEqual({ a: [1, {}] });
  });

  it('gives up when nothing complete is left, or the nesting is absurd', () => {
    expect(closeCutJson(Buffer.from(''))).toBeUndefined();
    expect(closeCutJson(Buffer.from('  '))).toBeUndefined();
    expect(closeCutJson(Buffer.from('['.repeat(100_000)))).toBeUndefined();
  });
});
