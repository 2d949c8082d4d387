import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startOfflineModelServer } from './offline-model-server.js';

const MODEL = 'claude-sonnet-5-5';

const ASK = {
  model: MODEL,
  max_tokens: 256,
  messages: [{ role: 'user' as const, content: 'what is the capital of France?' }],
};

const REPORT_TOOL: Anthropic.Tool = {
  name: 'report',
  input_schema: {
    type: 'object',
    properties: {
      title: { type: 'string' },
      score: { type: 'number' },
      rank: { type: 'integer', minimum: 1 },
      urgent: { type: 'boolean' },
      level: { type: 'string', enum: ['low', 'high'] },
      tags: { type: 'array', items: { type: 'string' } },
      owner: {
        type: 'object',
        properties: { name: { type: 'string' }, email: { type: 'string' } },
        required: ['name'],
      },
      note: { type: 'string' },
    },
    required: ['title', 'score', 'rank', 'urgent', 'level', 'tags', 'owner'],
  },
};

describe('offline model server through the real SDK', () => {
  let server: Awaited<ReturnType<typeof startOfflineModelServer>>;
  let anthropic: Anthropic;

  beforeAll(async () => {
    server = await startOfflineModelServer();
    anthropic = new Anthropic({ apiKey: 'test', baseURL: server.url, maxRetries: 0 });
  });

  afterAll(async () => {
    await server.close();
  });

  it('answers with a labelled text that mentions the last user message', async () => {
    const message = await anthropic.messages.create(ASK);

    expect(message.model).toBe(`offline:${MODEL}`);
    expect(message.stop_reason).toBe('end_turn');
    expect(message.content).toEqual([
      {
        type: 'text',
        text: '[offline model] You said: "what is the capital of France?". Configure ANTHROPIC_API_KEY for real answers.',
        citations: null,
      },
    ]);
  });

  it('is deterministic, streamed or not', async () => {
    const first = await anthropic.messages.create(ASK);
    const second = await anthropic.messages.create(ASK);
    const streamed = await anthropic.messages.stream(ASK).finalMessage();

    expect(second).toEqual(first);
    expect(streamed).toMatchObject(first);
  });

  it('truncates long user messages it quotes', async () => {
    const message = await anthropic.messages.create({
      ...ASK,
      messages: [{ role: 'user', content: 'x'.repeat(500) }],
    });

    const [block] = message.content;
    expect(block.type === 'text' && block.text).toContain(`"${'x'.repeat(200)}"`);
  });

  it('fills a forced tool from its input schema', async () => {
    const request = {
      ...ASK,
      tools: [REPORT_TOOL],
      tool_choice: { type: 'tool' as const, name: 'report' },
    };
    const expectedInput = {
      title: 'offline-title',
      score: 0,
      rank: 1,
      urgent: false,
      level: 'low',
      tags: [],
      owner: { name: 'offline-name' },
    };

    const json = await anthropic.messages.create(request);
    const streamed = await anthropic.messages.stream(request).finalMessage();

    for (const message of [json, streamed]) {
      expect(message.stop_reason).toBe('tool_use');
      expect(message.content).toMatchObject([
        { type: 'tool_use', name: 'report', input: expectedInput },
      ]);
    }
  });

  it('calls an offered tool that needs no input, then answers from its result', async () => {
    const listTool: Anthropic.Tool = {
      name: 'fs__list_allowed_directories',
      input_schema: { type: 'object', properties: {} },
    };
    const first = await anthropic.messages.create({ ...ASK, tools: [REPORT_TOOL, listTool] });
    expect(first.stop_reason).toBe('tool_use');
    expect(first.content).toMatchObject([
      { type: 'tool_use', name: 'fs__list_allowed_directories', input: {} },
    ]);
    const use = first.content[0] as Anthropic.ToolUseBlock;
    const second = await anthropic.messages.create({
      ...ASK,
      tools: [REPORT_TOOL, listTool],
      messages: [
        ...ASK.messages,
        { role: 'assistant', content: first.content },
        {
          role: 'user',
          content: [{ type: 'tool_result', tool_use_id: use.id, content: '/workspace' }],
        },
      ],
    });
    expect(second.stop_reason).toBe('end_turn');
    expect(second.content).toMatchObject([
      { type: 'text', text: expect.stringContaining('/workspace') },
    ]);
    const refused = await anthropic.messages.create({
      ...ASK,
      tools: [listTool],
      tool_choice: { type: 'none' },
    });
    expect(refused.stop_reason).toBe('end_turn');
  });

  it('answers other paths and malformed bodies in the API error shape', async () => {
    const missing = await fetch(`${server.url}/v1/complete`, { method: 'POST', body: '{}' });
    const malformed = await fetch(`${server.url}/v1/messages`, { method: 'POST', body: 'nope' });

    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({
      type: 'error',
      error: { type: 'not_found_error' },
    });
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({
      type: 'error',
      error: { type: 'invalid_request_error' },
    });
  });
});
