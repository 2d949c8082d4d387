import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import {
  FakeAnthropic,
  FakeReply,
  forcedTool,
  hasToolResult,
  RecordedRequest,
  systemOf,
} from './support/fake-anthropic.js';
import { waitForServer, writeMcpConfig } from './support/mcp-tools.js';
import { createTestApp, TestApp } from './support/test-app.js';

/** A small codebase for the filesystem server to read. */
function makeWorkspace(): string {
  const dir = mkdtempSync(join(tmpdir(), 'orchestrated-ws-'));
  writeFileSync(join(dir, 'app.ts'), 'export function main() { return greet("world"); }\n');
  writeFileSync(join(dir, 'greet.ts'), 'export const greet = (name: string) => `hello ${name}`;\n');
  writeFileSync(join(dir, 'README.md'), '# Demo app\nPrints a greeting.\n');
  return dir;
}

function lastUserText(req: RecordedRequest): string {
  const last = req.body.messages.at(-1);
  if (!last) return '';
  if (typeof last.content === 'string') return last.content;
  return last.content
    .map((block) =>
      block.type === 'text'
        ? block.text
        : block.type === 'tool_result'
          ? JSON.stringify(block.content)
          : '',
    )
    .join('');
}

const post = (t: TestApp, path: string, body: object) =>
  request(t.http).post(`/api/v1/chat/${path}`).set(t.alice).send(body);

describe('POST /api/v1/chat/orchestrated', () => {
  let fake: FakeAnthropic;
  let t: TestApp;
  let workspace: string;

  beforeAll(async () => {
    fake = await FakeAnthropic.start();
    workspace = makeWorkspace();
    t = await startApp();
    await waitForServer(t, 'fs', 'connected');
  });

  afterAll(async () => {
    await t.close();
    await fake.close();
  });

  beforeEach(() => fake.reset());

  /** The app on the fake model and the real filesystem server over the test workspace. */
  function startApp(env: Record<string, string> = {}): Promise<TestApp> {
    return createTestApp({
      ANTHROPIC_BASE_URL: fake.url,
      ANTHROPIC_API_KEY: 'k',
      WORKSPACE_DIR: workspace,
      ROUTER_LLM: 'off',
      ...env,
    });
  }

  it('routes small talk to ultra_fast with the fast model, and a repeat hits the shared cache', async () => {
    const first = await post(t, 'orchestrated', { message: 'hi there!' }).expect(200);
    expect(first.body).toMatchObject({
      route: 'ultra_fast',
      model: t.config.llm.fastModel,
      cached: false,
      routing: { route: 'ultra_fast', decided_by: expect.stringMatching(/rules|classifier/) },
    });
    const direct = await post(t, 'ultrafast', { message: 'hi there!' }).expect(200);
    expect(direct.body.cached).toBe(true);
    expect(fake.requests).toHaveLength(1);
  });

  it('routes an explanation to direct_llm with the default model', async () => {
    fake.enqueue({ text: 'TCP is connection-oriented; UDP is not.' });
    const response = await post(t, 'orchestrated', {
      message:
        'Explain in depth the difference between TCP and UDP, with examples of when to use each.',
    }).expect(200);
    expect(response.body).toMatchObject({
      route: 'direct_llm',
      model: t.config.llm.defaultModel,
      response: 'TCP is connection-oriented; UDP is not.',
      routing: { route: 'direct_llm', confidence: expect.any(Number), reason: expect.any(String) },
    });
    expect(response.body.tool_calls).toBeUndefined();
  });

  it('routes a file look-up to needs_tools and runs the agent with the real filesystem server', async () => {
    fake.enqueue(
      { toolUses: [{ name: 'fs__list_directory', input: { path: workspace } }] },
      { text: 'The workspace holds app.ts, greet.ts and README.md.' },
    );
    const response = await post(t, 'orchestrated', {
      message: 'List the files in the workspace',
    }).expect(200);
    expect(response.body.route).toBe('needs_tools');
    expect(response.body.tool_calls).toEqual([
      expect.objectContaining({ server: 'fs', name: 'list_directory', is_error: false }),
    ]);
    expect(response.body.tool_calls[0].output_preview).toContain('greet.ts');
  });

  it('runs "Analyze my codebase and create a summary report" as complex: plan, tool steps, synthesis', async () => {
    fake.respondWith((req): FakeReply | undefined => {
      if (forcedTool(req) === 'submit_plan') {
        return {
          toolUses: [
            {
              name: 'submit_plan',
              input: {
                steps: [
                  {
                    title: 'List the files',
                    instruction: 'List the workspace files',
                    uses_tools: true,
                  },
                  {
                    title: 'Read the code',
                    instruction: 'Read app.ts',
                    depends_on: [1],
                    uses_tools: true,
                  },
                ],
              },
            },
          ],
        };
      }
      const prompt = lastUserText(req);
      if (systemOf(req).startsWith('You carry out one step')) {
        if (hasToolResult(req)) return { text: `step result: ${prompt.slice(0, 300)}` };
        return prompt.includes('Your step (1')
          ? { toolUses: [{ name: 'fs__list_directory', input: { path: workspace } }] }
          : {
              toolUses: [
                { name: 'fs__read_text_file', input: { path: join(workspace, 'app.ts') } },
              ],
            };
      }
      if (systemOf(req).startsWith('You write the final answer')) {
        return {
          text: `# Summary report\n${prompt.includes('greet.ts') ? 'Files: app.ts, greet.ts' : '?'}`,
        };
      }
      return undefined;
    });
    const response = await post(t, 'orchestrated', {
      message: 'Analyze my codebase and create a summary report',
    }).expect(200);
    expect(response.body).toMatchObject({
      route: 'complex',
      stop_reason: 'end_turn',
      response: '# Summary report\nFiles: app.ts, greet.ts',
      routing: { route: 'complex' },
      steps: [
        {
          index: 1,
          title: 'List the files',
          status: 'done',
          output_preview: expect.stringContaining('greet.ts'),
        },
        {
          index: 2,
          title: 'Read the code',
          status: 'done',
          output_preview: expect.stringContaining('greet('),
        },
      ],
    });
    expect(response.body.tool_calls.map((call: { name: string }) => call.name)).toEqual([
      'list_directory',
      'read_text_file',
    ]);
    expect(response.body.usage.input_tokens).toBeGreaterThan(0);
    const stored = await request(t.http).get('/api/v1/conversations/default').set(t.alice);
    expect(stored.body.messages.at(-1)).toMatchObject({
      role: 'assistant',
      route: 'complex',
      content: response.body.response,
    });
  });

  it.each([
    ['dependent', [[], [1]]],
    ['concurrent', [[], []]],
  ])(
    'stops a complex turn at ORCH_MAX_TOOL_CALLS (%s steps) and synthesises from what is done',
    async (_kind, deps) => {
      const tight = await startApp({ ORCH_MAX_TOOL_CALLS: '1' });
      try {
        await waitForServer(tight, 'fs', 'connected');
        fake.respondWith((req): FakeReply | undefined => {
          if (forcedTool(req) === 'submit_plan') {
            const step = (title: string, depends_on: number[]) => ({
              title,
              instruction: title,
              depends_on,
              uses_tools: true,
            });
            return {
              toolUses: [
                {
                  name: 'submit_plan',
                  input: { steps: [step('List', deps[0]), step('Read', deps[1])] },
                },
              ],
            };
          }
          if (systemOf(req).startsWith('You carry out one step')) {
            return hasToolResult(req)
              ? { text: 'listed' }
              : { toolUses: [{ name: 'fs__list_directory', input: { path: workspace } }] };
          }
          return { text: 'partial report' };
        });
        const response = await post(tight, 'orchestrated', {
          message: 'Analyze my codebase and create a summary report',
        }).expect(200);
        expect(response.body).toMatchObject({
          route: 'complex',
          stop_reason: 'budget',
          response: 'partial report',
        });
        expect(response.body.tool_calls).toHaveLength(1);
        expect(response.body.steps.map((step: { status: string }) => step.status)).toContain(
          'done',
        );
        const synthesis = fake.requests.at(-1) as RecordedRequest;
        expect(lastUserText(synthesis)).toMatch(/tool calls budget ran out/);
      } finally {
        await tight.close();
      }
    },
  );

  it('runs the first ORCH_MAX_STEPS steps of a longer plan and says the plan was cut', async () => {
    const short = await startApp({ ORCH_MAX_STEPS: '1' });
    try {
      fake.respondWith((req): FakeReply | undefined => {
        if (forcedTool(req) === 'submit_plan') {
          const step = (title: string) => ({ title, instruction: title, uses_tools: false });
          return {
            toolUses: [{ name: 'submit_plan', input: { steps: [step('One'), step('Two')] } }],
          };
        }
        if (systemOf(req).startsWith('You carry out one step')) return { text: 'step one done' };
        return { text: 'report from step one' };
      });
      const response = await post(short, 'orchestrated', {
        message: 'Analyze my codebase and create a summary report',
      }).expect(200);
      expect(response.body).toMatchObject({
        route: 'complex',
        stop_reason: 'budget',
        steps: [{ index: 1, title: 'One', status: 'done', output_preview: 'step one done' }],
      });
      expect(lastUserText(fake.requests.at(-1) as RecordedRequest)).toMatch(/steps budget ran out/);
    } finally {
      await short.close();
    }
  });

  it('stops a complex turn at ORCH_TIMEOUT_MS and still answers', async () => {
    const slow = await startApp({ ORCH_TIMEOUT_MS: '1000' });
    try {
      await waitForServer(slow, 'fs', 'connected');
      fake.respondWith((req): FakeReply | undefined => {
        if (forcedTool(req) === 'submit_plan') {
          const step = { title: 'Think', instruction: 'Think hard', uses_tools: false };
          return { toolUses: [{ name: 'submit_plan', input: { steps: [step] } }] };
        }
        if (systemOf(req).startsWith('You carry out one step')) {
          return { delayMs: 5000, then: { text: 'too late' } };
        }
        return { text: 'what I could do in time' };
      });
      const response = await post(slow, 'orchestrated', {
        message: 'Analyze my codebase and create a summary report',
      }).expect(200);
      // The step's model call was aborted, not waited for: its late reply never reached the synthesis.
      expect(lastUserText(fake.requests.at(-1) as RecordedRequest)).not.toMatch(/too late/);
      expect(response.body).toMatchObject({
        route: 'complex',
        stop_reason: 'budget',
        response: 'what I could do in time',
        steps: [{ index: 1, status: 'skipped', output_preview: 'time budget used up' }],
      });
      expect(lastUserText(fake.requests.at(-1) as RecordedRequest)).toMatch(/time budget ran out/);
    } finally {
      await slow.close();
    }
  });

  it('keeps the tool calls and usage of a tool step the time budget cut short', async () => {
    const slow = await startApp({ ORCH_TIMEOUT_MS: '1000' });
    try {
      await waitForServer(slow, 'fs', 'connected');
      fake.respondWith((req): FakeReply | undefined => {
        if (forcedTool(req) === 'submit_plan') {
          const step = { title: 'Look', instruction: 'List the files', uses_tools: true };
          return { toolUses: [{ name: 'submit_plan', input: { steps: [step] } }] };
        }
        if (systemOf(req).startsWith('You carry out one step')) {
          return hasToolResult(req)
            ? { delayMs: 5000, then: { text: 'too late' } }
            : {
                toolUses: [{ name: 'fs__list_directory', input: { path: workspace } }],
                usage: { input_tokens: 100, output_tokens: 10 },
              };
        }
        return { text: 'partial', usage: { input_tokens: 1, output_tokens: 1 } };
      });
      const response = await post(slow, 'orchestrated', {
        message: 'Analyze my codebase and create a summary report',
      }).expect(200);
      expect(response.body).toMatchObject({
        stop_reason: 'budget',
        steps: [
          { status: 'failed', output_preview: expect.stringMatching(/^cut short by the time/) },
        ],
      });
      expect(response.body.tool_calls).toEqual([
        expect.objectContaining({ name: 'list_directory', is_error: false }),
      ]);
      expect(response.body.usage.input_tokens).toBeGreaterThanOrEqual(101);
    } finally {
      await slow.close();
    }
  });

  it('continues a conversation begun on /chat/direct and sends history when the message needs it', async () => {
    const { body } = await request(t.http).post('/api/v1/conversations').set(t.alice).send({});
    fake.enqueue({ text: 'Paris.' }, { text: 'Berlin.' });
    await post(t, 'direct', {
      message: 'What is the capital of France?',
      conversation_id: body.conversation_id,
    }).expect(200);
    const followUp = await post(t, 'orchestrated', {
      message: 'And Germany?',
      conversation_id: body.conversation_id,
    }).expect(200);
    expect(followUp.body.routing.needs_history).toBe(true);
    expect(fake.lastRequest().body.messages).toEqual([
      { role: 'user', content: 'What is the capital of France?' },
      { role: 'assistant', content: 'Paris.' },
      { role: 'user', content: 'And Germany?' },
    ]);
    const stored = await request(t.http)
      .get(`/api/v1/conversations/${body.conversation_id}`)
      .set(t.alice);
    expect(stored.body.messages).toHaveLength(4);
  });

  it('answers a context-free question without the earlier turns', async () => {
    const { body } = await request(t.http).post('/api/v1/conversations').set(t.alice).send({});
    fake.enqueue({ text: 'Here are the files.' }, { text: '100 °C at sea level.' });
    await post(t, 'direct', {
      message: 'Tell me about my files',
      conversation_id: body.conversation_id,
    });
    const response = await post(t, 'orchestrated', {
      message: 'What is the boiling point of water?',
      conversation_id: body.conversation_id,
    }).expect(200);
    expect(response.body.routing.needs_history).toBe(false);
    expect(fake.lastRequest().body.messages).toEqual([
      { role: 'user', content: 'What is the boiling point of water?' },
    ]);
  });

  describe('dry run: POST /api/v1/chat/orchestrated/route', () => {
    it('returns the decision with scores and timing, and stores nothing', async () => {
      const before = await request(t.http).get('/api/v1/conversations/default').set(t.alice);
      const response = await post(t, 'orchestrated/route', {
        message: 'Analyze my codebase and create a summary report',
      }).expect(200);
      expect(response.body).toEqual({
        route: 'complex',
        confidence: expect.any(Number),
        decided_by: expect.stringMatching(/rules|classifier/),
        needs_history: false,
        reason: expect.any(String),
        candidates: expect.arrayContaining([
          { route: 'complex', score: expect.any(Number) },
          { route: 'ultra_fast', score: expect.any(Number) },
        ]),
        latency_us: expect.any(Number),
      });
      expect(response.body.candidates).toHaveLength(4);
      expect(fake.requests).toHaveLength(0);
      const after = await request(t.http).get('/api/v1/conversations/default').set(t.alice);
      expect(after.body.messages).toEqual(before.body.messages);
    });

    it('reads the conversation’s history as the real call would', async () => {
      const { body } = await request(t.http).post('/api/v1/conversations').set(t.alice).send({});
      fake.enqueue(
        {
          toolUses: [{ name: 'fs__read_text_file', input: { path: join(workspace, 'README.md') } }],
        },
        { text: 'The README says it prints a greeting.' },
      );
      await post(t, 'mcp-agent', {
        message: 'Read README.md',
        conversation_id: body.conversation_id,
      }).expect(200);
      const decision = await post(t, 'orchestrated/route', {
        message: 'now save that to a file',
        conversation_id: body.conversation_id,
      }).expect(200);
      expect(decision.body).toMatchObject({ route: 'needs_tools', needs_history: true });
    });

    it('404s on another principal’s conversation and 400s on bad input', async () => {
      const { body } = await request(t.http).post('/api/v1/conversations').set(t.bob).send({});
      await post(t, 'orchestrated/route', {
        message: 'hi',
        conversation_id: body.conversation_id,
      }).expect(404);
      await post(t, 'orchestrated/route', { message: ' ' }).expect(400);
      await post(t, 'orchestrated', { messages: [{ role: 'user', content: 'hi' }] }).expect(400);
    });
  });
});

describe('routing escalation to the fast model (ROUTER_LLM=on)', () => {
  let fake: FakeAnthropic;
  let first: TestApp;
  let second: TestApp;
  const noTools = writeMcpConfig({});
  /** Messages the local analysis is unsure about (confidence under 0.6, checked below). */
  const AMBIGUOUS = ['why', 'the thing', 'is it good'];

  beforeAll(async () => {
    fake = await FakeAnthropic.start();
    const env = {
      ANTHROPIC_BASE_URL: fake.url,
      ANTHROPIC_API_KEY: 'k',
      REDIS_URL: process.env.TEST_REDIS_URL,
      MCP_CONFIG: noTools,
    };
    // Two instances of one deployment: the same users, one Redis.
    const users = randomUUID().slice(0, 8);
    [first, second] = await Promise.all([
      createTestApp(env, { users }),
      createTestApp(env, { users }),
    ]);
  });

  afterAll(async () => {
    await Promise.all([first.close(), second.close()]);
    await fake.close();
  });

  beforeEach(() => fake.reset());

  it.each(AMBIGUOUS)('the local analysis is unsure about %j', async (message) => {
    const off = await createTestApp({ ROUTER_LLM: 'off', MCP_CONFIG: noTools });
    try {
      const decision = await post(off, 'orchestrated/route', { message }).expect(200);
      expect(decision.body.confidence).toBeLessThan(0.6);
      expect(decision.body.decided_by).toBe('classifier');
    } finally {
      await off.close();
    }
  });

  it('asks the fast model with a forced tool, once for all instances (cached in Redis)', async () => {
    fake.respondWith((req) =>
      forcedTool(req) === 'choose_route'
        ? {
            toolUses: [
              {
                name: 'choose_route',
                input: {
                  route: 'direct_llm',
                  needs_history: false,
                  reason: 'vague',
                  confidence: 0.7,
                },
              },
            ],
          }
        : { text: 'a direct answer' },
    );
    const dryRun = await post(first, 'orchestrated/route', { message: 'the thing' }).expect(200);
    expect(dryRun.body).toMatchObject({ route: 'direct_llm', decided_by: 'llm', confidence: 0.7 });
    expect(fake.requests[0].body).toMatchObject({
      model: first.config.llm.fastModel,
      tool_choice: { type: 'tool', name: 'choose_route' },
    });

    fake.reset();
    fake.respondWith((req) =>
      forcedTool(req) === 'choose_route'
        ? {
            toolUses: [
              {
                name: 'choose_route',
                input: { route: 'direct_llm', needs_history: false, reason: 'vague' },
              },
            ],
          }
        : { text: 'a direct answer' },
    );
    const { body: conversation } = await request(first.http)
      .post('/api/v1/conversations')
      .set(first.alice)
      .send({});
    const answered = await post(first, 'orchestrated', {
      message: 'the thing',
      conversation_id: conversation.conversation_id,
    }).expect(200);
    expect(answered.body.routing).toMatchObject({ decided_by: 'llm', reason: 'model: vague' });
    expect(fake.requests).toHaveLength(2);

    const again = await post(second, 'orchestrated/route', { message: 'the thing' }).expect(200);
    expect(again.body.decided_by).toBe('llm');
    expect(fake.requests).toHaveLength(2);
  });

  it('never lets a routing failure fail the request: fallback to the local decision', async () => {
    fake.respondWith((req) =>
      forcedTool(req) === 'choose_route' ? { error: { status: 400 } } : { text: 'answered anyway' },
    );
    const { body } = await request(first.http)
      .post('/api/v1/conversations')
      .set(first.alice)
      .send({});
    const response = await post(first, 'orchestrated', {
      message: 'is it good',
      conversation_id: body.conversation_id,
    }).expect(200);
    expect(response.body.routing.decided_by).toBe('fallback');
    expect(response.body.response).toBe('answered anyway');
  });

  it('never routes to needs_tools when no tools are connected', async () => {
    fake.respondWith(() => ({ text: 'I cannot see your files.' }));
    const response = await post(first, 'orchestrated', {
      message: 'List the files in the workspace',
    }).expect(200);
    expect(response.body.route).not.toBe('needs_tools');
  });
});
