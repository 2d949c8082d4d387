import type Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import request from 'supertest';
import { defaultFilesystemServer, READ_ONLY_FILESYSTEM_TOOLS } from '../src/mcp/mcp-config.js';
import { McpAgentService, ToolCallBudget } from '../src/mcp/mcp-agent.service.js';
import { SILENT_EVENTS } from '../src/turns/route-answer.js';
import { FakeAnthropic, RecordedRequest } from './support/fake-anthropic.js';
import {
  startTestMcpServer,
  stdioTestServerEntry,
  TestMcpServerHandle,
} from './support/mcp-server-process.js';
import { readServer, waitForServer, writeMcpConfig } from './support/mcp-tools.js';
import { createTestApp, TestApp } from './support/test-app.js';

const SECRET = 'the launch code is 0000';

let fake: FakeAnthropic;

beforeAll(async () => {
  fake = await FakeAnthropic.start();
});

afterAll(async () => {
  await fake.close();
});

beforeEach(() => fake.reset());

function startApp(env: Record<string, string>): Promise<TestApp> {
  return createTestApp({ ANTHROPIC_BASE_URL: fake.url, ANTHROPIC_API_KEY: 'test', ...env });
}

const chat = (t: TestApp, body: object) =>
  request(t.http).post('/api/v1/chat/mcp-agent').set(t.alice).send(body);

/** The tool_result blocks the model received in one request. */
function toolResultsIn(recorded: RecordedRequest): Anthropic.ToolResultBlockParam[] {
  const last = recorded.body.messages.at(-1);
  if (!last || typeof last.content === 'string') return [];
  return last.content.flatMap((block) => (block.type === 'tool_result' ? [block] : []));
}

/** A folder with two files (and a link out of it), beside a folder the server must not read. */
function makeFolders(): { dir: string; outside: string } {
  const root = mkdtempSync(join(tmpdir(), 'mcp-agent-'));
  const dir = join(root, 'shared');
  const outside = join(root, 'private');
  mkdirSync(dir);
  mkdirSync(outside);
  writeFileSync(join(dir, 'alpha.txt'), 'alpha contents');
  writeFileSync(join(dir, 'beta.md'), '# beta');
  writeFileSync(join(outside, 'secret.txt'), SECRET);
  symlinkSync(join(outside, 'secret.txt'), join(dir, 'link.txt'));
  return { dir, outside };
}

function filesystemEntry(dir: string): object {
  const { command, args } = defaultFilesystemServer(dir);
  return { command, args, allowedTools: READ_ONLY_FILESYSTEM_TOOLS };
}

describe('the agent over the filesystem server (stdio)', () => {
  let t: TestApp;
  let dir: string;
  let outside: string;

  beforeAll(async () => {
    ({ dir, outside } = makeFolders());
    const configPath = writeMcpConfig({
      fs: filesystemEntry(dir),
      off: { command: 'does-not-exist', disabled: true },
    });
    t = await startApp({ MCP_CONFIG: configPath });
    await waitForServer(t, 'fs', 'connected');
  });

  afterAll(async () => {
    await t.close();
  });

  it('runs one tool call and feeds its result back to the model', async () => {
    fake.enqueue(
      { toolUses: [{ name: 'fs__list_directory', input: { path: dir }, id: 'toolu_list' }] },
      { text: 'There are 2 files', usage: { input_tokens: 100, output_tokens: 7 } },
    );
    const { body } = await chat(t, { message: 'What is in the shared folder?' }).expect(200);

    expect(body).toMatchObject({
      route: 'needs_tools',
      response: 'There are 2 files',
      stop_reason: 'end_turn',
      tool_calls: [
        {
          id: 'toolu_list',
          server: 'fs',
          name: 'list_directory',
          input: { path: dir },
          is_error: false,
        },
      ],
    });
    expect(body.tool_calls[0].output_preview).toContain('alpha.txt');
    expect(body.tool_calls[0].output_preview).toContain('beta.md');
    expect(body.tool_calls[0].duration_ms).toEqual(expect.any(Number));
    expect(body.usage.input_tokens).toBeGreaterThan(100);
    expect(body.usage.output_tokens).toBeGreaterThan(7);

    expect(fake.requests).toHaveLength(2);
    const offered = (fake.requests[0].body.tools as Anthropic.Tool[]).map((tool) => tool.name);
    expect(offered).toContain('fs__list_directory');
    expect(offered).not.toContain('fs__write_file');
    const [result] = toolResultsIn(fake.requests[1]);
    expect(result).toMatchObject({ tool_use_id: 'toolu_list' });
    expect(result.is_error).toBeUndefined();
    expect(result.content).toContain('[FILE] alpha.txt');
  });

  it('runs calls in sequence and keeps all the model wrote, in order', async () => {
    fake.enqueue(
      {
        text: 'Reading alpha.',
        toolUses: [{ name: 'fs__read_text_file', input: { path: join(dir, 'alpha.txt') } }],
      },
      {
        text: 'Now beta.',
        toolUses: [{ name: 'fs__get_file_info', input: { path: join(dir, 'beta.md') } }],
      },
      { text: 'Both read.' },
    );
    const { body } = await chat(t, { message: 'Read alpha, then look at beta' }).expect(200);

    expect(body.response).toBe('Reading alpha.\n\nNow beta.\n\nBoth read.');
    expect(body.tool_calls.map((call: { name: string }) => call.name)).toEqual([
      'read_text_file',
      'get_file_info',
    ]);
    expect(body.tool_calls[0].output_preview).toBe('alpha contents');
    expect(fake.requests).toHaveLength(3);
    expect(toolResultsIn(fake.requests[2])[0].content).toContain('size');
  });

  it('reports a failing call as an error and lets the model recover', async () => {
    fake.enqueue(
      { toolUses: [{ name: 'fs__read_text_file', input: { path: join(dir, 'missing.txt') } }] },
      { toolUses: [{ name: 'fs__list_directory', input: { path: dir } }] },
      { text: 'missing.txt does not exist; the folder holds alpha.txt and beta.md' },
    );
    const { body } = await chat(t, { message: 'Read missing.txt' }).expect(200);

    expect(body.tool_calls).toHaveLength(2);
    expect(body.tool_calls[0]).toMatchObject({ name: 'read_text_file', is_error: true });
    expect(body.tool_calls[0].output_preview).toMatch(/ENOENT|no such file/i);
    // The server's absolute paths are told relative to its folder, to the model and in the preview.
    expect(body.tool_calls[0].output_preview).toContain("'<workspace>/missing.txt'");
    expect(body.tool_calls[0].output_preview).not.toContain(dir);
    expect(JSON.stringify(toolResultsIn(fake.requests[1]))).not.toContain(dir);
    expect(body.tool_calls[1]).toMatchObject({ name: 'list_directory', is_error: false });
    expect(toolResultsIn(fake.requests[1])[0]).toMatchObject({ is_error: true });
    expect(body.response).toContain('does not exist');
  });

  it('refuses paths outside the allowed folder without leaking them', async () => {
    const sneaky = join(dir, '..', basename(outside), 'secret.txt');
    fake.enqueue(
      {
        toolUses: [
          { name: 'fs__read_text_file', input: { path: join(outside, 'secret.txt') } },
          { name: 'fs__read_text_file', input: { path: sneaky } },
          { name: 'fs__read_text_file', input: { path: join(dir, 'link.txt') } },
        ],
      },
      { text: 'I cannot read that file.' },
    );
    const { body } = await chat(t, { message: 'Read the secret' }).expect(200);

    expect(body.tool_calls.map((call: { is_error: boolean }) => call.is_error)).toEqual([
      true,
      true,
      true,
    ]);
    expect(body.tool_calls[0].output_preview).toContain('Access denied');
    for (const call of body.tool_calls as Array<{ output_preview: string }>) {
      expect(call.output_preview).toContain('<workspace>/../private/secret.txt');
      expect(call.output_preview).toContain('not in <workspace>');
      expect(call.output_preview).not.toContain(outside);
    }
    expect(JSON.stringify(toolResultsIn(fake.requests[1]))).not.toContain(dir);
    expect(JSON.stringify(body)).not.toContain(SECRET);
    expect(JSON.stringify(fake.requests.map((recorded) => recorded.body))).not.toContain(SECRET);
  });

  it('runs every tool_use block of one model turn and answers each', async () => {
    fake.enqueue(
      {
        toolUses: [
          { name: 'fs__read_text_file', input: { path: join(dir, 'alpha.txt') }, id: 'toolu_a' },
          { name: 'fs__read_text_file', input: { path: join(dir, 'beta.md') }, id: 'toolu_b' },
        ],
      },
      { text: 'alpha and beta' },
    );
    const { body } = await chat(t, { message: 'Read both files' }).expect(200);

    expect(body.tool_calls.map((call: { id: string }) => call.id)).toEqual(['toolu_a', 'toolu_b']);
    expect(body.tool_calls.map((call: { output_preview: string }) => call.output_preview)).toEqual([
      'alpha contents',
      '# beta',
    ]);
    expect(toolResultsIn(fake.requests[1]).map((result) => result.tool_use_id)).toEqual([
      'toolu_a',
      'toolu_b',
    ]);
  });

  it('reports an unknown tool as an error', async () => {
    fake.enqueue(
      { toolUses: [{ name: 'fs__write_file', input: { path: join(dir, 'x'), content: 'x' } }] },
      { text: 'I may not write files.' },
    );
    const { body } = await chat(t, { message: 'Write x' }).expect(200);

    expect(body.tool_calls[0]).toMatchObject({
      server: 'fs',
      name: 'write_file',
      is_error: true,
      output_preview: 'Tool "write_file" is not available on MCP server "fs"',
    });
  });

  it('continues a conversation begun on /chat/direct and stores only the final answer', async () => {
    const created = await request(t.http)
      .post('/api/v1/conversations')
      .set(t.alice)
      .send({})
      .expect(201);
    const conversation_id = created.body.conversation_id as string;
    fake.enqueue({ text: 'Nice to meet you, Ada.' });
    await request(t.http)
      .post('/api/v1/chat/direct')
      .set(t.alice)
      .send({ message: 'My name is Ada', conversation_id })
      .expect(200);
    fake.enqueue(
      { text: 'Looking.', toolUses: [{ name: 'fs__list_directory', input: { path: dir } }] },
      { text: 'Ada, you have 2 files.' },
    );
    await chat(t, { message: 'List my files', conversation_id }).expect(200);

    expect(fake.requests[1].body.messages.slice(0, 3)).toEqual([
      { role: 'user', content: 'My name is Ada' },
      { role: 'assistant', content: 'Nice to meet you, Ada.' },
      { role: 'user', content: 'List my files' },
    ]);
    const stored = await request(t.http)
      .get(`/api/v1/conversations/${conversation_id}`)
      .set(t.alice)
      .expect(200);
    expect(
      stored.body.messages.map((message: { role: string; content: string; route: string }) => [
        message.role,
        message.content,
        message.route,
      ]),
    ).toEqual([
      ['user', 'My name is Ada', 'direct_llm'],
      ['assistant', 'Nice to meet you, Ada.', 'direct_llm'],
      ['user', 'List my files', 'needs_tools'],
      ['assistant', 'Looking.\n\nAda, you have 2 files.', 'needs_tools'],
    ]);
  });

  it('sends no history when the caller says it is not needed', async () => {
    fake.enqueue({ text: 'Hello.' });
    const agent = t.app.get(McpAgentService);
    await agent.answer({
      principal: t.aliceId,
      conversationId: 'default',
      message: 'hi',
      events: SILENT_EVENTS,
      history: [{ role: 'user', content: 'Remember the number 7', route: 'needs_tools' }],
      needsHistory: false,
    });
    expect(fake.requests[0].body.messages).toEqual([{ role: 'user', content: 'hi' }]);
  });

  it('keeps to a tool-call budget given by a caller such as the orchestrator', async () => {
    fake.enqueue(
      {
        toolUses: [
          { name: 'fs__list_directory', input: { path: dir }, id: 'toolu_1' },
          { name: 'fs__read_text_file', input: { path: join(dir, 'alpha.txt') }, id: 'toolu_2' },
        ],
      },
      { text: 'From the listing alone: 2 files.' },
    );
    const answer = await t.app.get(McpAgentService).runAgent(
      {
        principal: t.aliceId,
        conversationId: 'default',
        message: 'Summarise the folder',
        history: [],
        events: SILENT_EVENTS,
      },
      { toolBudget: toolCallBudget(1), system: 'Step 1 of a plan: gather.' },
    );

    expect(answer.stopReason).toBe('budget');
    expect(answer.toolCalls?.map((call) => call.id)).toEqual(['toolu_1']);
    expect(fake.requests[0].body.system).toBe('Step 1 of a plan: gather.');
    const final = fake.requests[1].body;
    expect(final.tool_choice).toEqual({ type: 'none' });
    expect(toolResultsIn(fake.requests[1])[1]).toMatchObject({
      tool_use_id: 'toolu_2',
      is_error: true,
    });
  });

  it('GET /api/v1/tools lists the read tools of fs and the disabled entry', async () => {
    const response = await request(t.http).get('/api/v1/tools').set(t.alice).expect(200);
    const [fs, off] = response.body.servers;

    expect(fs.status).toBe('connected');
    expect(fs.tools.map((tool: { name: string }) => tool.name).sort()).toEqual(
      [...READ_ONLY_FILESYSTEM_TOOLS].sort(),
    );
    expect(fs.tools[0]).toEqual({
      name: expect.any(String),
      description: expect.any(String),
      input_schema: expect.objectContaining({ type: 'object' }),
    });
    expect(off).toEqual({ name: 'off', status: 'disabled', tools: [] });
  });

  it('GET /api/v1/tools needs a bearer token', async () => {
    await request(t.http).get('/api/v1/tools').expect(401);
  });
});

describe('AGENT_MAX_STEPS', () => {
  let t: TestApp;
  let dir: string;

  beforeAll(async () => {
    ({ dir } = makeFolders());
    t = await startApp({
      MCP_CONFIG: writeMcpConfig({ fs: filesystemEntry(dir) }),
      AGENT_MAX_STEPS: '2',
    });
    await waitForServer(t, 'fs', 'connected');
  });

  afterAll(async () => {
    await t.close();
  });

  it('asks for a final answer without tools once the steps are used up', async () => {
    const listing = { toolUses: [{ name: 'fs__list_directory', input: { path: dir } }] };
    fake.enqueue(listing, listing, { text: 'Here is what I found: 2 files.' });
    const { body } = await chat(t, { message: 'Keep listing' }).expect(200);

    expect(body.stop_reason).toBe('budget');
    expect(body.response).toBe('Here is what I found: 2 files.');
    expect(body.tool_calls).toHaveLength(2);
    expect(fake.requests).toHaveLength(3);
    const final = fake.requests[2].body;
    expect(final.tool_choice).toEqual({ type: 'none' });
    const lastTurn = final.messages.at(-1)?.content as Anthropic.ContentBlockParam[];
    expect(lastTurn.at(-1)).toMatchObject({
      type: 'text',
      text: expect.stringContaining('budget'),
    });
  });
});

describe('without MCP_CONFIG', () => {
  let t: TestApp;
  let workspaceDir: string;

  beforeAll(async () => {
    workspaceDir = join(mkdtempSync(join(tmpdir(), 'mcp-default-')), 'not', 'yet', 'there');
    t = await startApp({ WORKSPACE_DIR: workspaceDir });
    writeFileSync(join(workspaceDir, 'notes.txt'), 'hello');
    await waitForServer(t, 'fs', 'connected');
  });

  afterAll(async () => {
    await t.close();
  });

  it('exposes the workspace, read-only, and "list the files" works', async () => {
    const fs = await readServer(t, 'fs');
    expect(fs.tools.map((tool) => tool.name)).not.toContain('write_file');
    fake.enqueue(
      { toolUses: [{ name: 'fs__list_directory', input: { path: workspaceDir } }] },
      { text: 'The workspace holds notes.txt.' },
    );
    const { body } = await chat(t, { message: 'List the files in the workspace' }).expect(200);

    expect(body.tool_calls[0]).toMatchObject({ server: 'fs', is_error: false });
    expect(body.tool_calls[0].output_preview).toContain('notes.txt');
  });

  it('shows the model the workspace as <workspace>, and takes <workspace> paths back', async () => {
    fake.enqueue(
      {
        toolUses: [
          { id: 'toolu_roots', name: 'fs__list_allowed_directories', input: {} },
          { id: 'toolu_list', name: 'fs__list_directory', input: { path: '<workspace>' } },
        ],
      },
      { text: 'The workspace holds notes.txt.' },
    );
    const { body } = await chat(t, { message: 'Which folders may you read?' }).expect(200);

    const [roots, list] = body.tool_calls as Array<{ is_error: boolean; output_preview: string }>;
    expect(roots).toMatchObject({ is_error: false });
    expect(roots.output_preview).toMatch(/^Allowed directories:\n<workspace>$/);
    expect(list).toMatchObject({ is_error: false });
    expect(list.output_preview).toContain('notes.txt');
    const sent = JSON.stringify(toolResultsIn(fake.requests[1]));
    expect(sent).toContain('<workspace>');
    expect(sent).not.toContain(workspaceDir);
    expect(sent).not.toContain(tmpdir());
  });
});

describe('with no server connected', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startApp({
      MCP_CONFIG: writeMcpConfig({ off: { url: 'http://x', disabled: true } }),
    });
  });

  afterAll(async () => {
    await t.close();
  });

  it('still answers with a plain model call', async () => {
    fake.enqueue({ text: 'No tools needed.' });
    const { body } = await chat(t, { message: 'hello' }).expect(200);

    expect(body).toMatchObject({
      response: 'No tools needed.',
      tool_calls: [],
      route: 'needs_tools',
    });
    expect(fake.requests[0].body.tools).toBeUndefined();
  });
});

describe('a stdio server that crashes', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startApp({ MCP_CONFIG: writeMcpConfig({ local: stdioTestServerEntry() }) });
    await waitForServer(t, 'local', 'connected');
  });

  afterAll(async () => {
    await t.close();
  });

  it('is reported, restarted with backoff, and never takes the service down', async () => {
    fake.enqueue(
      { toolUses: [{ name: 'local__crash', input: {} }] },
      { text: 'The server crashed.' },
    );
    const crashed = await chat(t, { message: 'Crash it' }).expect(200);
    expect(crashed.body.tool_calls[0]).toMatchObject({ name: 'crash', is_error: true });
    expect((await readServer(t, 'local')).status).toBe('failed');

    await waitForServer(t, 'local', 'connected');
    fake.enqueue(
      { toolUses: [{ name: 'local__echo', input: { text: 'alive' } }] },
      { text: 'It is alive.' },
    );
    const after = await chat(t, { message: 'Echo' }).expect(200);
    expect(after.body.tool_calls[0]).toMatchObject({ is_error: false, output_preview: 'alive' });
  });
});

describe('a remote server that never finishes connecting', () => {
  it('is reported failed after its timeout, and does not hold up shutdown', async () => {
    // Refuses the Streamable HTTP POST (so the client falls back to SSE), then holds an event stream
    // open without ever sending the endpoint event.
    const silent = createServer((req, res) => {
      if (req.method === 'POST') return void res.writeHead(405).end();
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(': waiting\n\n');
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    const t = await startApp({
      MCP_CONFIG: writeMcpConfig({
        silent: { url: `http://127.0.0.1:${port}/mcp`, timeoutMs: 300 },
      }),
    });
    try {
      const server = await waitForServer(t, 'silent', 'failed', (s) => s.error !== 'connecting');
      expect(server.error).toMatch(/no answer within 300 ms/);
    } finally {
      const closing = Date.now();
      await t.close();
      // Shutdown must not wait on the stuck connection: bounded, generously, far above its 300 ms.
      expect(Date.now() - closing).toBeLessThan(10_000);
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    }
  }, 30_000);
});

describe('remote servers (Streamable HTTP, and HTTP+SSE for old servers)', () => {
  let t: TestApp;
  let remote: TestMcpServerHandle;
  let legacy: TestMcpServerHandle;

  beforeAll(async () => {
    [remote, legacy] = await Promise.all([startTestMcpServer(), startTestMcpServer('sse')]);
    t = await startApp({
      MCP_CONFIG: writeMcpConfig({
        remote: { url: remote.url, timeoutMs: 1000 },
        legacy: { url: legacy.url, allowedTools: ['echo'] },
      }),
    });
    await waitForServer(t, 'remote', 'connected');
    await waitForServer(t, 'legacy', 'connected');
  });

  afterAll(async () => {
    await t.close();
    await remote.kill();
    await legacy.kill();
  });

  it('lists and calls the tools of both', async () => {
    expect((await readServer(t, 'legacy')).tools.map((tool) => tool.name)).toEqual(['echo']);
    fake.enqueue(
      {
        toolUses: [
          { name: 'remote__echo', input: { text: 'over streamable http' } },
          { name: 'legacy__echo', input: { text: 'over sse' } },
        ],
      },
      { text: 'Both answered.' },
    );
    const { body } = await chat(t, { message: 'Echo twice' }).expect(200);

    expect(body.tool_calls).toMatchObject([
      { server: 'remote', name: 'echo', is_error: false, output_preview: 'over streamable http' },
      { server: 'legacy', name: 'echo', is_error: false, output_preview: 'over sse' },
    ]);
  });

  it('runs the calls of one turn concurrently', async () => {
    const slow = { name: 'remote__slow', input: { ms: 500 } };
    fake.enqueue({ toolUses: [slow, slow] }, { text: 'Done waiting.' });
    const { body } = await chat(t, { message: 'Wait twice' }).expect(200);

    expect(body.tool_calls.map((call: { is_error: boolean }) => call.is_error)).toEqual([
      false,
      false,
    ]);
    expect(body.tool_calls[0].duration_ms).toBeGreaterThanOrEqual(490);
    // Both calls ran inside the turn: one after the other, the turn would last at least their sum.
    const [first, second] = body.tool_calls;
    expect(body.latency_ms).toBeLessThan(first.duration_ms + second.duration_ms);
  });

  it('gives up on a slow tool after the timeout and still answers', async () => {
    fake.enqueue(
      { toolUses: [{ name: 'remote__slow', input: { ms: 5000 } }] },
      { text: 'The tool timed out.' },
    );
    const { body } = await chat(t, { message: 'Wait long' }).expect(200);

    expect(body.response).toBe('The tool timed out.');
    expect(body.tool_calls[0]).toMatchObject({
      is_error: true,
      output_preview: 'Tool "slow" did not answer within 1000 ms',
    });
    const [result] = toolResultsIn(fake.requests[1]);
    expect(result).toMatchObject({ is_error: true });
    expect(result.content).toContain('did not answer within 1000 ms');
  });

  it('refreshes the tool list when the server announces a change', async () => {
    fake.enqueue({ toolUses: [{ name: 'remote__add_tool', input: {} }] }, { text: 'Added.' });
    await chat(t, { message: 'Add a tool' }).expect(200);

    await waitForServer(t, 'remote', 'connected', (server) =>
      server.tools.some((tool) => tool.name === 'extra'),
    );
  });

  it('survives the server dying and reconnects once it is back', async () => {
    await remote.kill();
    const failed = await waitForServer(t, 'remote', 'failed');
    expect(failed.tools).toEqual([]);

    fake.enqueue(
      { toolUses: [{ name: 'remote__echo', input: { text: 'anyone there?' } }] },
      { text: 'The remote server is down.' },
    );
    const during = await chat(t, { message: 'Echo' }).expect(200);
    expect(during.body.response).toBe('The remote server is down.');
    expect(during.body.tool_calls[0]).toMatchObject({
      server: 'remote',
      name: 'echo',
      is_error: true,
    });
    expect(during.body.tool_calls[0].output_preview).toContain('not connected');

    await remote.restart();
    await waitForServer(t, 'remote', 'connected', undefined, 15_000);
    fake.enqueue(
      { toolUses: [{ name: 'remote__echo', input: { text: 'back' } }] },
      { text: 'It is back.' },
    );
    const after = await chat(t, { message: 'Echo again' }).expect(200);
    expect(after.body.tool_calls[0]).toMatchObject({ is_error: false, output_preview: 'back' });
  }, 30_000);
});

/** A budget of `calls` tool calls for one run. */
function toolCallBudget(calls: number): ToolCallBudget {
  let remaining = calls;
  return {
    get remaining() {
      return remaining;
    },
    take(wanted) {
      const granted = Math.min(wanted, remaining);
      remaining -= granted;
      return granted;
    },
  };
}
