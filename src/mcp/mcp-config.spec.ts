import { describe, expect, it } from '@jest/globals';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../config/load-config.js';
import {
  DEFAULT_CALL_TIMEOUT_MS,
  loadMcpServerSpecs,
  parseMcpConfig,
  READ_ONLY_FILESYSTEM_TOOLS,
} from './mcp-config.js';

const FILE = '/etc/chat/mcp.json';
const WORKSPACE = '/srv/workspace';

const parse = (json: unknown) => parseMcpConfig(JSON.stringify(json), FILE, WORKSPACE);

function problemsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('parseMcpConfig', () => {
  it('reads stdio and remote entries in the Claude Desktop format', () => {
    const specs = parse({
      mcpServers: {
        files: {
          command: 'node',
          args: ['server.js', '${WORKSPACE_DIR}/docs'],
          env: { ROOT: '${WORKSPACE_DIR}' },
          allowedTools: ['read_text_file'],
        },
        remote: { url: 'https://tools.example.com/mcp', headers: { Authorization: 'Bearer x' } },
        'old-one': { url: 'http://localhost:9000/sse', disabled: true, timeoutMs: 5000 },
      },
    });
    expect(specs).toEqual([
      {
        name: 'files',
        transport: 'stdio',
        command: 'node',
        args: ['server.js', '/srv/workspace/docs'],
        env: { ROOT: '/srv/workspace' },
        disabled: false,
        allowedTools: ['read_text_file'],
        timeoutMs: DEFAULT_CALL_TIMEOUT_MS,
      },
      {
        name: 'remote',
        transport: 'remote',
        url: new URL('https://tools.example.com/mcp'),
        headers: { Authorization: 'Bearer x' },
        disabled: false,
        allowedTools: undefined,
        timeoutMs: DEFAULT_CALL_TIMEOUT_MS,
      },
      expect.objectContaining({ name: 'old-one', disabled: true, timeoutMs: 5000 }),
    ]);
  });

  it('ignores keys other clients add', () => {
    const [spec] = parse({
      mcpServers: { fs: { command: 'x', autoApprove: [] } },
      globalShortcut: 'k',
    });
    expect(spec).toMatchObject({ name: 'fs', command: 'x', args: [], env: {} });
  });

  it('reports every problem at once, naming the file', () => {
    const problems = problemsOf(() =>
      parse({
        mcpServers: {
          a__b: { command: 'x' },
          both: { command: 'x', url: 'http://x' },
          neither: {},
          badUrl: { url: 'ftp://x' },
          badTypes: { command: '', args: [1], env: { A: 2 }, disabled: 'no', timeoutMs: -1 },
          notObject: 'node',
        },
      }),
    );
    expect(problems.every((problem) => problem.startsWith(`MCP_CONFIG ${FILE}: `))).toBe(true);
    for (const expected of [
      'mcpServers.a__b must be named with up to 32 letters',
      'mcpServers.both needs exactly one of "command" (stdio) or "url" (remote)',
      'mcpServers.neither needs exactly one of',
      'mcpServers.badUrl url must be an http: or https: URL',
      'mcpServers.badTypes command must be a non-empty string',
      'mcpServers.badTypes args must be an array of strings',
      'mcpServers.badTypes env must be an object of strings',
      'mcpServers.badTypes disabled must be true or false',
      'mcpServers.badTypes timeoutMs must be a positive integer',
      'mcpServers.notObject must be an object',
    ]) {
      expect(problems.join('\n')).toContain(expected);
    }
  });

  it.each([
    ['not JSON', '{"mcpServers": ', 'not valid JSON'],
    ['no mcpServers', '{"servers": {}}', 'expected an object {"mcpServers"'],
    ['mcpServers not an object', '{"mcpServers": []}', 'expected an object {"mcpServers"'],
  ])('refuses a file that is %s', (_name, text, expected) => {
    const [problem] = problemsOf(() => parseMcpConfig(text, FILE, WORKSPACE));
    expect(problem).toContain(`MCP_CONFIG ${FILE}: ${expected}`);
  });

  it('accepts the example shipped with the project', () => {
    const text = readFileSync(new URL('../../mcp.example.json', import.meta.url), 'utf8');
    expect(parseMcpConfig(text, 'mcp.example.json', WORKSPACE).length).toBeGreaterThan(0);
  });
});

describe('loadMcpServerSpecs', () => {
  it('defaults to the read-only filesystem server on the workspace, which it creates', async () => {
    const workspaceDir = join(mkdtempSync(join(tmpdir(), 'mcp-config-')), 'a', 'workspace');
    const [spec] = await loadMcpServerSpecs({ workspaceDir });
    expect(statSync(workspaceDir).isDirectory()).toBe(true);
    expect(spec).toMatchObject({
      name: 'fs',
      transport: 'stdio',
      command: process.execPath,
      allowedTools: READ_ONLY_FILESYSTEM_TOOLS,
      disabled: false,
    });
    if (spec.transport !== 'stdio') throw new Error('expected a stdio server');
    expect(existsSync(spec.args[0])).toBe(true);
    expect(spec.args[1]).toBe(workspaceDir);
  });

  it('reads MCP_CONFIG when set', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mcp-config-'));
    const configPath = join(dir, 'mcp.json');
    writeFileSync(configPath, JSON.stringify({ mcpServers: { r: { url: 'http://x/mcp' } } }));
    const specs = await loadMcpServerSpecs({ configPath, workspaceDir: join(dir, 'ws') });
    expect(specs.map((spec) => spec.name)).toEqual(['r']);
  });

  it('names a file it cannot read', async () => {
    const configPath = join(tmpdir(), 'no-such-dir', 'mcp.json');
    const workspaceDir = mkdtempSync(join(tmpdir(), 'mcp-config-'));
    await expect(loadMcpServerSpecs({ configPath, workspaceDir })).rejects.toThrow(
      `MCP_CONFIG: cannot read ${configPath}`,
    );
  });
});
