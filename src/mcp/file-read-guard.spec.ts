import { describe, expect, it } from '@jest/globals';
import { FileReadGuard } from './file-read-guard.js';

const MiB = 1024 * 1024;
const sizes: Record<string, number> = {
  '/w/big.log': 6 * MiB,
  '/w/a.txt': 600 * 1024,
  '/w/b.txt': 600 * 1024,
};
const sizeOf = (path: string) => Promise.resolve(sizes[path]);

describe('FileReadGuard', () => {
  const guard = new FileReadGuard(MiB);

  it('refuses a whole read of a large file, and says how to read a part', async () => {
    expect(await guard.refusal('read_text_file', { path: '/w/big.log' }, sizeOf)).toBe(
      '/w/big.log is 6.0 MiB, more than the 1.0 MiB one call may read whole. ' +
        'Read a part of it: "head" or "tail" with a number of lines.',
    );
    expect(await guard.refusal('read_file', { path: '/w/big.log', head: 0 }, sizeOf)).toMatch(
      /6\.0 MiB/,
    );
    expect(await guard.refusal('read_media_file', { path: '/w/big.log' }, sizeOf)).toMatch(
      /cannot be read through this tool/,
    );
  });

  it('lets through a part of a large file, small files, unknown files and other tools', async () => {
    expect(
      await guard.refusal('read_text_file', { path: '/w/big.log', tail: 10 }, sizeOf),
    ).toBeUndefined();
    expect(
      await guard.refusal('read_text_file', { path: '/w/big.log', head: 5 }, sizeOf),
    ).toBeUndefined();
    expect(await guard.refusal('read_text_file', { path: '/w/a.txt' }, sizeOf)).toBeUndefined();
    expect(await guard.refusal('read_text_file', { path: '/w/missing' }, sizeOf)).toBeUndefined();
    expect(await guard.refusal('list_directory', { path: '/w/big.log' }, sizeOf)).toBeUndefined();
    expect(await guard.refusal('read_text_file', 'not an object', sizeOf)).toBeUndefined();
  });

  it('counts the files of one read_multiple_files call together', async () => {
    expect(
      await guard.refusal('read_multiple_files', { paths: ['/w/a.txt'] }, sizeOf),
    ).toBeUndefined();
    expect(
      await guard.refusal('read_multiple_files', { paths: ['/w/a.txt', '/w/b.txt'] }, sizeOf),
    ).toBe(
      'These files hold 1.2 MiB together, more than the 1.0 MiB one call may read: ' +
        '/w/a.txt (600.0 KiB), /w/b.txt (600.0 KiB). Read fewer files at a time, and large ones ' +
        'in parts with read_text_file and "head" or "tail" (a number of lines).',
    );
  });
});
