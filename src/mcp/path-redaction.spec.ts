import { describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultFilesystemServer } from './mcp-config.js';
import { PathRedactor } from './path-redaction.js';

describe('PathRedactor', () => {
  const paths = new PathRedactor(['/srv/app/workspace']);

  it('names the root <workspace> and paths under it relative to it', () => {
    expect(
      paths.redact("ENOENT: no such file or directory, open '/srv/app/workspace/a b.txt'"),
    ).toBe("ENOENT: no such file or directory, open '<workspace>/a b.txt'");
    expect(paths.redact('Allowed: /srv/app/workspace')).toBe('Allowed: <workspace>');
  });

  it('names paths beside the root relative to it too', () => {
    expect(
      paths.redact(
        'Access denied - path outside allowed directories: /srv/app/.env not in /srv/app/workspace',
      ),
    ).toBe(
      'Access denied - path outside allowed directories: <workspace>/../.env not in <workspace>',
    );
    expect(paths.redact('/srv/other/x')).toBe('<workspace>/../../other/x');
  });

  it('leaves other text and look-alike paths alone', () => {
    expect(paths.redact('/var/srv/app, https://h/srv/app, /etc/passwd')).toBe(
      '/var/srv/app, https://h/srv/app, /etc/passwd',
    );
    expect(paths.redact('/srv/app/workspace2/x')).toBe('<workspace>/../workspace2/x');
    expect(new PathRedactor([]).redact('/srv/app/workspace')).toBe('/srv/app/workspace');
  });

  it('names paths in successful results too: a list of roots, file URLs and escaped JSON', () => {
    expect(paths.redact('Allowed directories:\n/srv/app/workspace')).toBe(
      'Allowed directories:\n<workspace>',
    );
    expect(paths.redact('see file:///srv/app/workspace/a.txt and file:///srv/app/.env')).toBe(
      'see file://<workspace>/a.txt and file://<workspace>/../.env',
    );
    expect(paths.redact('{"path":"\\/srv\\/app\\/workspace\\/a.txt","up":"\\/srv\\/other"}')).toBe(
      '{"path":"<workspace>\\/a.txt","up":"<workspace>/../..\\/other"}',
    );
    expect(paths.redact('{"uri":"file:\\/\\/\\/srv\\/app\\/workspace"}')).toBe(
      '{"uri":"file:\\/\\/<workspace>"}',
    );
    expect(paths.redact('\\/srv\\/app\\/workspace2')).toBe('<workspace>/..\\/workspace2');
    expect(paths.redact('http://h/srv/app/workspace, x/srv/app, file://h/srv/app')).toBe(
      'http://h/srv/app/workspace, x/srv/app, file://h/srv/app',
    );
  });

  it('turns <workspace> at the start of input strings back into the root', () => {
    expect(
      paths.restore({
        path: '<workspace>/a.txt',
        paths: ['<workspace>', '<workspace>/../x', 'b.txt'],
        nested: { source: '<workspace>2', content: 'about <workspace>/a.txt', n: 3, none: null },
      }),
    ).toEqual({
      path: '/srv/app/workspace/a.txt',
      paths: ['/srv/app/workspace', '/srv/app/workspace/../x', 'b.txt'],
      nested: { source: '<workspace>2', content: 'about <workspace>/a.txt', n: 3, none: null },
    });
    expect(new PathRedactor([]).restore({ path: '<workspace>' })).toEqual({ path: '<workspace>' });
  });

  it('knows a root by its real path as well', () => {
    const base = mkdtempSync(join(tmpdir(), 'redact-'));
    mkdirSync(join(base, 'real'));
    symlinkSync(join(base, 'real'), join(base, 'link'));
    const linked = new PathRedactor([join(base, 'link')]);
    expect(linked.redact(`${join(base, 'real')}/a.txt and ${join(base, 'link')}/b.txt`)).toBe(
      '<workspace>/a.txt and <workspace>/b.txt',
    );
  });

  it("takes a stdio server's directory arguments before the workspace", () => {
    const served = mkdtempSync(join(tmpdir(), 'served-'));
    const workspace = mkdtempSync(join(tmpdir(), 'workspace-'));
    const redactor = PathRedactor.forServer(defaultFilesystemServer(served), workspace);
    expect(redactor.redact(`${served}/a and ${workspace}/b`)).toBe(
      '<workspace>/a and <workspace>/b',
    );
  });
});
