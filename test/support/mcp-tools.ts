import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import request from 'supertest';
import type { TestApp } from './test-app.js';

export interface ServerView {
  name: string;
  status: 'connected' | 'failed' | 'disabled';
  tools: Array<{ name: string; description: string; input_schema: Record<string, unknown> }>;
  error?: string;
}

/** Writes `{"mcpServers": servers}` to a fresh temporary file, for MCP_CONFIG. */
export function writeMcpConfig(servers: Record<string, object>): string {
  const path = join(mkdtempSync(join(tmpdir(), 'mcp-config-')), 'mcp.json');
  writeFileSync(path, JSON.stringify({ mcpServers: servers }));
  return path;
}

/** GET /api/v1/tools, one server's entry. */
export async function readServer(t: TestApp, name: string): Promise<ServerView> {
  const response = await request(t.http).get('/api/v1/tools').set(t.alice).expect(200);
  const server = (response.body as { servers: ServerView[] }).servers.find(
    (item) => item.name === name,
  );
  if (!server) throw new Error(`GET /api/v1/tools does not list ${name}`);
  return server;
}

/** Polls GET /api/v1/tools until the server shows `status` (and `until`, if given). */
export async function waitForServer(
  t: TestApp,
  name: string,
  status: ServerView['status'],
  until: (server: ServerView) => boolean = () => true,
  timeoutMs = 10_000,
): Promise<ServerView> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const server = await readServer(t, name);
    if (server.status === status && until(server)) return server;
    if (Date.now() > deadline) {
      throw new Error(`${name} is still ${server.status} (${server.error ?? 'no error'})`);
    }
    await sleep(50);
  }
}
