import { describe, expect, it } from '@jest/globals';
import { formatBytes, resultText, truncate } from './tool-output.js';

describe('truncate', () => {
  it('keeps short text whole', () => {
    expect(truncate('hello', 5)).toBe('hello');
  });

  it('cuts long text and says how much is missing', () => {
    expect(truncate('abcdefghij', 4)).toBe('abcd\n… [6 more characters truncated]');
  });
});

describe('resultText', () => {
  it('joins text blocks and summarises binary content', () => {
    const text = resultText({
      content: [
        { type: 'text', text: '[FILE] a.txt' },
        { type: 'image', data: 'AAAA', mimeType: 'image/png' },
        { type: 'resource', resource: { uri: 'file:///a.txt', text: 'inside a' } },
        { type: 'resource', resource: { uri: 'file:///b.bin', blob: 'AA==' } },
        { type: 'resource_link', uri: 'file:///c.txt', name: 'c' },
      ],
    });
    expect(text.split('\n')).toEqual([
      '[FILE] a.txt',
      '[image image/png, 4 base64 characters]',
      'inside a',
      '[resource file:///b.bin]',
      '[resource link file:///c.txt]',
    ]);
  });

  it('falls back to the structured content', () => {
    expect(resultText({ content: [], structuredContent: { count: 2 } })).toBe('{"count":2}');
  });
});

describe('formatBytes', () => {
  it('says bytes, KiB or MiB', () => {
    expect([14, 2048, 6 * 1024 * 1024 + 1].map(formatBytes)).toEqual([
      '14 bytes',
      '2.0 KiB',
      '6.0 MiB',
    ]);
  });
});
