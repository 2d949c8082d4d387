import type Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { MODEL_RESULT_CHARS, PREVIEW_CHARS } from '../src/mcp/tool-output.js';
import { TOOL_CALLS_PER_PROCESS, TOOL_CALLS_PER_TURN } from '../src/mcp/tool-limits.js';
import { DEFAULT_CALL_TIMEOUT_MS } from '../src/mcp/mcp-config.js';
import { FakeAnthropic, RecordedRequest } from './support/fake-anthropic.js';
import {
  startTestMcpServer,
  stdioTestServerEntry,
  TestMcpServerHandle,
} from './support/mcp-server-process.js';
import { readServer, waitForServer, writeMcpConfig } from './support/mcp-tools.js';
import { createTestApp, TestApp } from './support/test-app.js';

/** Room for the notes a cut result carries ("… [n more characters truncated]", "[Only …]"). */
const NOTE_ROOM = 300;
const MiB = 1024 * 1024;

type ToolCall = {
  id: string;
  name: string;
  is_error: boolean;
  output_preview: string;
  duration_ms: number;
};

let fake: FakeAnthropic;

beforeAll(async () => {
  fake = await FakeAnthropic.start();
});

afterAll(async () => {
  await fake.close();
});

beforeEach(() => fake.reset());

const chat = (t: TestApp, message: string) =>
  request(t.http).post('/api/v1/chat/mcp-agent').set(t.alice).send({ message });

/** The tool_result blocks the model received in one request, by tool_use id. */
function toolResultsIn(recorded: RecordedRequest): Map<string, Anthropic.ToolResultBlockParam> {
  const last = recorded.body.messages.at(-1);
  const blocks = !last || typeof last.content === 'string' ? [] : last.content;
  return new Map(
    blocks.flatMap((block) => (block.type === 'tool_result' ? [[block.tool_use_id, block]] : [])),
  );
}

function resultText(block: Anthropic.ToolResultBlockParam | undefined): string {
  return typeof block?.content === 'string' ? block.content : JSON.stringify(block?.content);
}

/** Numbered lines of 100 bytes: `line 000001 xxx…`. */
function numberedLines(bytes: number): string {
  const lines = Math.ceil(bytes / 100);
  return Array.from({ length: lines }, (_, i) =>
    `line ${String(i + 1).padStart(6, '0')} `.padEnd(99, 'x'),
  ).join('\n');
}

describe('the default filesystem server and a multi-MB file', () => {
  let t: TestApp;
  let workspace: string;
  let big: string;

  beforeAll(async () => {
    workspace = mkdtempSync(join(tmpdir(), 'tool-limits-'));
    big = join(workspace, 'big.log');
    // 6 MiB: sent as text and again as structured content, one message is over 12 MiB, past the
    // SDK's 10 MiB stdio buffer, which used to close the connection to the server.
    writeFileSync(big, numberedLines(6 * MiB));
    writeFileSync(join(workspace, 'small.txt'), 'small contents');
    t = await createTestApp({
      ANTHROPIC_BASE_URL: fake.url,
      ANTHROPIC_API_KEY: 'test',
      WORKSPACE_DIR: workspace,
    });
    await waitForServer(t, 'fs', 'connected');
  });

  afterAll(async () => {
    await t.close();
  });

  it('answers a turn of many large reads with bounded results, and the server stays connected', async () => {
    const whole = Array.from({ length: 12 }, (_, i) => ({
      id: `toolu_whole_${i}`,
      name: 'fs__read_text_file',
      input: { path: big },
    }));
    const heads = Array.from({ length: 8 }, (_, i) => ({
      id: `toolu_head_${i}`,
      name: 'fs__read_text_file',
      input: { path: big, head: 50_000 },
    }));
    const several = Array.from({ length: 4 }, (_, i) => ({
      id: `toolu_many_${i}`,
      name: 'fs__read_multiple_files',
      input: { paths: [big, join(workspace, 'small.txt')] },
    }));
    fake.enqueue({ toolUses: [...whole, ...heads, ...several] }, { text: 'I read the log.' });
    const { body } = await chat(t, 'Read big.log, many times over').expect(200);

    expect(body.response).toBe('I read the log.');
    const calls = body.tool_calls as ToolCall[];
    expect(calls).toHaveLength(24);
    for (const call of calls) {
      expect(call.output_preview.length).toBeLessThanOrEqual(PREVIEW_CHARS + NOTE_ROOM);
      expect(call.output_preview).not.toContain(workspace);
    }
    const results = toolResultsIn(fake.requests[1]);
    expect(results.size).toBe(24);
    for (const block of results.values()) {
      expect(resultText(block).length).toBeLessThanOrEqual(MODEL_RESULT_CHARS + NOTE_ROOM);
      expect(resultText(block)).not.toContain(workspace);
    }

    // A whole read of a file over the limit is refused before it runs, saying how to read a part.
    for (const { id } of [...whole, ...several]) {
      expect(calls.find((call) => call.id === id)?.is_error).toBe(true);
    }
    const refusal = resultText(results.get('toolu_whole_0'));
    expect(refusal).toContain('<workspace>/big.log is 6.0 MiB');
    expect(refusal).toMatch(/"head" or "tail"/);
    expect(resultText(results.get('toolu_many_0'))).toContain('more than the 1.0 MiB');

    // 50 000 lines are 5 MB, sent twice: cut as they arrive, the model gets their beginning.
    for (const { id } of heads) {
      const text = resultText(results.get(id));
      expect(calls.find((call) => call.id === id)?.is_error).toBe(false);
      expect(text).toMatch(
        /^\[Only the beginning of this result is shown: the server sent 9\.\d MiB/,
      );
      expect(text).toContain('line 000001 xxx');
      expect(text).toContain('more characters truncated]');
    }

    const fs = await readServer(t, 'fs');
    expect(fs.status).toBe('connected');
    fake.enqueue(
      { toolUses: [{ name: 'fs__list_directory', input: { path: workspace } }] },
      { text: 'Two files.' },
    );
    const next = await chat(t, 'List the workspace').expect(200);
    expect(next.body.tool_calls[0]).toMatchObject({ is_error: false });
    expect(next.body.tool_calls[0].output_preview).toContain('big.log');
  }, 60_000);

  it('still reads a part of the large file, and small files whole', async () => {
    fake.enqueue(
      {
        toolUses: [
          { id: 'toolu_tail', name: 'fs__read_text_file', input: { path: big, tail: 2 } },
          {
            id: 'toolu_small',
            name: 'fs__read_text_file',
            input: { path: join(workspace, 'small.txt') },
          },
        ],
      },
      { text: 'Done.' },
    );
    const { body } = await chat(t, 'The last lines of big.log, and small.txt').expect(200);

    const [tail, small] = body.tool_calls as ToolCall[];
    expect(tail).toMatchObject({ is_error: false });
    expect(tail.output_preview).toMatch(/^line 0629\d\d x+\nline 0629\d\d x+$/);
    expect(small).toMatchObject({ is_error: false, output_preview: 'small contents' });
  });

  it('names paths relative to the workspace in errors, for the model and in output_preview', async () => {
    const outside = join(workspace, '..', 'elsewhere', 'secret.txt');
    fake.enqueue(
      {
        toolUses: [
          { id: 'toolu_missing', name: 'fs__read_text_file', input: { path: `${big}.missing` } },
          { id: 'toolu_outside', name: 'fs__read_text_file', input: { path: outside } },
        ],
      },
      { text: 'Neither could be read.' },
    );
    const { body } = await chat(t, 'Read two files').expect(200);

    const [missing, denied] = body.tool_calls as ToolCall[];
    expect(missing).toMatchObject({ is_error: true });
    expect(missing.output_preview).toMatch(/ENOENT.*'<workspace>\/big\.log\.missing'/);
    expect(denied.output_preview).toContain('Access denied');
    expect(denied.output_preview).toContain('<workspace>/../elsewhere/secret.txt');
    expect(denied.output_preview).toContain('not in <workspace>');
    const results = JSON.stringify([...toolResultsIn(fake.requests[1]).values()]);
    expect(results).toContain('<workspace>');
    expect(results).not.toContain(workspace);
    expect(results).not.toContain(tmpdir());
  });
});

describe('a stdio server that answers with huge results', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({
      ANTHROPIC_BASE_URL: fake.url,
      ANTHROPIC_API_KEY: 'test',
      MCP_CONFIG: writeMcpConfig({ local: stdioTestServerEntry() }),
    });
    await waitForServer(t, 'local', 'connected');
  });

  afterAll(async () => {
    await t.close();
  });

  it('cuts each result as it arrives and stays connected', async () => {
    const huge = (i: number, bytes: number) => ({
      id: `toolu_huge_${i}`,
      name: 'local__huge',
      input: { bytes },
    });
    fake.enqueue(
      { toolUses: [huge(0, 24 * MiB), huge(1, 3 * MiB), huge(2, 3 * MiB), huge(3, 200_000)] },
      { text: 'Huge.' },
    );
    const { body } = await chat(t, 'Something huge').expect(200);

    const calls = body.tool_calls as ToolCall[];
    expect(calls.map((call) => call.is_error)).toEqual([false, false, false, false]);
    const results = toolResultsIn(fake.requests[1]);
    const first = resultText(results.get('toolu_huge_0'));
    expect(first).toMatch(
      /^\[Only the beginning of this result is shown: the server sent 48\.\d MiB/,
    );
    expect(first).toContain('line 000001 xxx');
    // Under the message limit: read whole, then cut for the model like any other result.
    const small = resultText(results.get('toolu_huge_3'));
    expect(small.startsWith('line 000001 xxx')).toBe(true);
    for (const block of results.values()) {
      expect(resultText(block).length).toBeLessThanOrEqual(MODEL_RESULT_CHARS + NOTE_ROOM);
    }

    expect((await readServer(t, 'local')).status).toBe('connected');
    fake.enqueue(
      { toolUses: [{ name: 'local__echo', input: { text: 'still here' } }] },
      { text: 'Echoed.' },
    );
    const after = await chat(t, 'Echo').expect(200);
    expect(after.body.tool_calls[0]).toMatchObject({
      is_error: false,
      output_preview: 'still here',
    });
  }, 60_000);

  it(`runs at most ${TOOL_CALLS_PER_TURN} calls of one turn at once`, async () => {
    const gauges = Array.from({ length: 10 }, () => ({ name: 'local__gauge', input: { ms: 150 } }));
    fake.enqueue({ toolUses: gauges }, { text: 'Measured.' });
    const { body } = await chat(t, 'Measure').expect(200);

    const peaks = (body.tool_calls as ToolCall[]).map((call) => peakOf(call));
    expect(peaks).toHaveLength(10);
    expect(Math.max(...peaks)).toBeLessThanOrEqual(TOOL_CALLS_PER_TURN);
    expect(Math.max(...peaks)).toBeGreaterThan(1);
  });

  it(`runs at most ${TOOL_CALLS_PER_PROCESS} calls at once over every turn`, async () => {
    fake.respondWith((recorded) =>
      toolResultsIn(recorded).size > 0
        ? { text: 'Measured.' }
        : {
            toolUses: Array.from({ length: 4 }, () => ({
              name: 'local__gauge',
              input: { ms: 300 },
            })),
          },
    );
    const turns = await Promise.all(
      Array.from({ length: 6 }, () => chat(t, 'Measure').expect(200)),
    );

    const peaks = turns.flatMap((turn) => (turn.body.tool_calls as ToolCall[]).map(peakOf));
    expect(peaks).toHaveLength(24);
    expect(Math.max(...peaks)).toBeLessThanOrEqual(TOOL_CALLS_PER_PROCESS);
    expect(Math.max(...peaks)).toBeGreaterThan(TOOL_CALLS_PER_TURN);
  });
});

function peakOf(call: ToolCall): number {
  expect(call.is_error).toBe(false);
  return Number(/^peak (\d+)$/.exec(call.output_preview)?.[1]);
}

describe('a stdio server that begins a line and never ends it', () => {
  /** Far less than the millions of keys such a line names would hold if they were kept. */
  const HEAP_GROWTH_BOUND = 48 * MiB;
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({
      ANTHROPIC_BASE_URL: fake.url,
      ANTHROPIC_API_KEY: 'test',
      // Waiting out two reconnections polls GET /api/v1/tools more than 60 times a minute.
      RATE_LIMIT_PER_MINUTE: '10000',
      MCP_CONFIG: writeMcpConfig({
        stalled: { ...stdioTestServerEntry(), timeoutMs: 2_000 },
        endless: stdioTestServerEntry(),
      }),
    });
    await Promise.all([
      waitForServer(t, 'stalled', 'connected'),
      waitForServer(t, 'endless', 'connected'),
    ]);
  });

  afterAll(async () => {
    await t.close();
  });

  /** Calls `server`'s unfinished_line, then echoes once it is connected again. */
  async function unfinishedThenEcho(server: string, bytes: number) {
    const heapBefore = process.memoryUsage().heapUsed;
    fake.enqueue(
      { toolUses: [{ name: `${server}__unfinished_line`, input: { bytes } }] },
      { text: 'It never finished.' },
    );
    const { body } = await chat(t, 'Read the endless line').expect(200);
    const heapGrowth = process.memoryUsage().heapUsed - heapBefore;
    const failed = await readServer(t, server);

    await waitForServer(t, server, 'connected');
    fake.enqueue(
      { toolUses: [{ name: `${server}__echo`, input: { text: 'back again' } }] },
      { text: 'Echoed.' },
    );
    const after = await chat(t, 'Echo').expect(200);
    return { call: (body.tool_calls as ToolCall[])[0], heapGrowth, failed, after };
  }

  it('gives up on the connection when a call times out mid-line, and reconnects', async () => {
    const { call, heapGrowth, failed, after } = await unfinishedThenEcho('stalled', 30_000_000);

    expect(heapGrowth).toBeLessThan(HEAP_GROWTH_BOUND);
    expect(call).toMatchObject({ is_error: true });
    expect(call.output_preview).toContain('did not answer within 2000 ms');
    expect(failed.status).toBe('failed');
    expect(failed.error).toContain('in the middle of a message');
    // The reconnected server's answer is read whole, not taken for the rest of the old line.
    expect(after.body.tool_calls[0]).toMatchObject({
      is_error: false,
      output_preview: 'back again',
    });
  }, 30_000);

  it('closes the connection once one line passes 64 MiB, without waiting for the timeout', async () => {
    const { call, heapGrowth, failed, after } = await unfinishedThenEcho('endless', 1024 * MiB);

    expect(heapGrowth).toBeLessThan(HEAP_GROWTH_BOUND);
    expect(call).toMatchObject({ is_error: true });
    expect(call.output_preview).toContain('Connection closed');
    expect(call.duration_ms).toBeLessThan(DEFAULT_CALL_TIMEOUT_MS);
    expect(failed).toMatchObject({ status: 'failed', error: expect.stringContaining('64.0 MiB') });
    expect(after.body.tool_calls[0]).toMatchObject({
      is_error: false,
      output_preview: 'back again',
    });
  }, 30_000);
});

describe('remote servers that answer with huge results', () => {
  let t: TestApp;
  let servers: TestMcpServerHandle[];

  beforeAll(async () => {
    servers = await Promise.all([startTestMcpServer(), startTestMcpServer('sse')]);
    const [streamable, legacy] = servers;
    t = await createTestApp({
      ANTHROPIC_BASE_URL: fake.url,
      ANTHROPIC_API_KEY: 'test',
      MCP_CONFIG: writeMcpConfig({
        streamable: { url: streamable.url, timeoutMs: 20_000 },
        legacy: { url: legacy.url, timeoutMs: 20_000 },
      }),
    });
    await waitForServer(t, 'streamable', 'connected');
    await waitForServer(t, 'legacy', 'connected');
  });

  afterAll(async () => {
    await t.close();
    await Promise.all(servers.map((server) => server.kill()));
  });

  it.each(['streamable', 'legacy'])(
    'cuts each result over %s HTTP and stays connected',
    async (name) => {
      fake.enqueue(
        {
          toolUses: [
            { id: 'toolu_big', name: `${name}__huge`, input: { bytes: 8 * MiB } },
            { id: 'toolu_small', name: `${name}__huge`, input: { bytes: 200_000 } },
          ],
        },
        { text: 'Huge.' },
      );
      const { body } = await chat(t, 'Something huge').expect(200);

      expect((body.tool_calls as ToolCall[]).map((call) => call.is_error)).toEqual([false, false]);
      const results = toolResultsIn(fake.requests[1]);
      expect(resultText(results.get('toolu_big'))).toMatch(
        /^\[Only the beginning of this result is shown: the server sent 16\.\d MiB/,
      );
      expect(resultText(results.get('toolu_small')).startsWith('line 000001 xxx')).toBe(true);
      expect((await readServer(t, name)).status).toBe('connected');

      fake.enqueue(
        { toolUses: [{ name: `${name}__echo`, input: { text: 'still here' } }] },
        { text: 'Echoed.' },
      );
      const after = await chat(t, 'Echo').expect(200);
      expect(after.body.tool_calls[0]).toMatchObject({
        is_error: false,
        output_preview: 'still here',
      });
    },
    60_000,
  );
});
