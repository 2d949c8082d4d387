import { describe, expect, it } from '@jest/globals';
import { modelToolName, splitModelToolName } from './tool-names.js';

describe('modelToolName', () => {
  it('prefixes the server', () => {
    expect(modelToolName('fs', 'read_text_file')).toBe('fs__read_text_file');
  });

  it('keeps to the characters and length the Messages API accepts', () => {
    expect(modelToolName('web', 'search.v2/query')).toBe('web__search_v2_query');
    expect(modelToolName('s', 'x'.repeat(100))).toHaveLength(64);
  });
});

describe('splitModelToolName', () => {
  it('splits at the first separator: server names never contain it', () => {
    expect(splitModelToolName('fs__read_text_file')).toEqual({
      server: 'fs',
      tool: 'read_text_file',
    });
    expect(splitModelToolName('my_srv__a__b')).toEqual({ server: 'my_srv', tool: 'a__b' });
  });

  it('has no server for a name without a prefix', () => {
    expect(splitModelToolName('read_text_file')).toBeUndefined();
    expect(splitModelToolName('__x')).toBeUndefined();
  });
});
