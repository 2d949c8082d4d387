import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { STATUS_CODES } from 'node:http';
import request from 'supertest';
import { operationsUsedByClient, typeCheckClient } from './support/openapi-client-check.js';
import { createTestApp, TestApp } from './support/test-app.js';

/** The parts of an OpenAPI 3 document these checks read. */
interface Schema {
  $ref?: string;
  type?: string;
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  default?: unknown;
  example?: unknown;
  required?: string[];
  properties?: Record<string, Schema>;
}
interface MediaType {
  schema?: Schema;
  example?: unknown;
  examples?: Record<string, { value: unknown }>;
}
interface Response {
  description?: string;
  headers?: Record<string, { $ref?: string }>;
  content?: Record<string, MediaType>;
}
interface Parameter {
  name: string;
  in: string;
  schema?: Schema;
  example?: unknown;
}
interface Operation {
  operationId?: string;
  summary?: string;
  tags?: string[];
  parameters?: Parameter[];
  requestBody?: { content: Record<string, MediaType> };
  responses: Record<string, Response>;
}
interface Document {
  servers?: Array<{ url: string }>;
  tags?: Array<{ name: string }>;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema>; headers?: Record<string, unknown> };
}
interface Endpoint {
  method: string;
  path: string;
  operation: Operation;
}

const CHAT_PATHS = [
  '/api/v1/chat/direct',
  '/api/v1/chat/mcp-agent',
  '/api/v1/chat/ultrafast',
  '/api/v1/chat/orchestrated',
  '/api/v1/chat/orchestrated/route',
];

const OPERATION_IDS = [
  'chatDirect',
  'chatMcpAgent',
  'chatUltrafast',
  'chatOrchestrated',
  'routeOrchestrated',
  'createConversation',
  'listConversations',
  'getConversation',
  'renameConversation',
  'deleteConversation',
  'listTools',
  'healthLive',
  'healthReady',
  'listModels',
  'retrieveModel',
  'createChatCompletion',
];

const REQUEST_ID_HEADER = { $ref: '#/components/headers/X-Request-Id' };

describe('the OpenAPI document (GET /api/docs-json)', () => {
  let t: TestApp;
  let document: Document;
  let endpoints: Endpoint[];

  beforeAll(async () => {
    t = await createTestApp();
    document = (await request(t.http).get('/api/docs-json').expect(200)).body;
    endpoints = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.entries(item).map(([method, operation]) => ({ method, path, operation })),
    );
  });

  afterAll(() => t.close());

  const schema = (name: string): Schema => document.components.schemas[name];
  const endpoint = (operationId: string): Operation => {
    const found = endpoints.find(({ operation }) => operation.operationId === operationId);
    if (!found) throw new Error(`no operation ${operationId}`);
    return found.operation;
  };

  it('names every operation readably and once, with a summary, one declared tag and a server', () => {
    const ids = endpoints.map(({ operation }) => operation.operationId);
    expect([...ids].sort()).toEqual([...OPERATION_IDS].sort());
    const tags = (document.tags ?? []).map((tag) => tag.name);
    for (const { operation } of endpoints) {
      expect(operation.operationId).toMatch(/^[a-z][A-Za-z]+$/);
      expect(operation.summary?.trim()).toBeTruthy();
      expect(operation.tags).toHaveLength(1);
      expect(tags).toContain(operation.tags?.[0]);
      for (const response of Object.values(operation.responses)) {
        expect(response.description?.trim()).toBeTruthy();
      }
    }
    expect(document.servers?.length).toBeGreaterThan(0);
  });

  it('lists each chat endpoint exactly once, under the chat tag', () => {
    for (const path of CHAT_PATHS) {
      const found = endpoints.filter((candidate) => candidate.path === path);
      expect(found.map(({ method, operation }) => [method, operation.tags])).toEqual([
        ['post', ['chat']],
      ]);
    }
  });

  it('declares Server-Sent Events beside JSON on the four chat endpoints', () => {
    for (const operationId of ['chatDirect', 'chatMcpAgent', 'chatUltrafast', 'chatOrchestrated']) {
      const answer = endpoint(operationId).responses['200'];
      expect(Object.keys(answer.content ?? {})).toEqual(['application/json', 'text/event-stream']);
      expect(answer.description).toMatch(/`start`.*`delta`.*`done`.*`error`/s);
    }
    for (const name of ['StartEventDto', 'DeltaEventDto', 'StepEventDto', 'ErrorEventDto']) {
      expect(document.components.schemas?.[name]).toBeDefined();
    }
  });

  it('documents X-Request-Id on every response', () => {
    expect(document.components.headers?.['X-Request-Id']).toBeDefined();
    for (const { operation } of endpoints) {
      for (const response of Object.values(operation.responses)) {
        expect(response.headers?.['X-Request-Id']).toEqual(REQUEST_ID_HEADER);
      }
    }
  });

  it('documents only responses that can happen', () => {
    expect(Object.keys(endpoint('createConversation').responses)).not.toContain('404');
    expect(Object.keys(endpoint('listConversations').responses)).not.toContain('404');
    expect(Object.keys(endpoint('listTools').responses)).toEqual(['200', '401', '429']);
    expect(endpoint('listTools').responses['429'].headers?.['Retry-After']).toBeDefined();
    for (const operationId of ['chatDirect', 'chatOrchestrated']) {
      expect(Object.keys(endpoint(operationId).responses)).toEqual(
        expect.arrayContaining(['409', '422', '429']),
      );
    }
    expect(Object.keys(endpoint('healthLive').responses)).toEqual(['200']);
    expect(Object.keys(endpoint('healthReady').responses)).toEqual(['200', '503']);
  });

  it('shows every error status with example bodies in the shared error shape', () => {
    for (const { operation, path } of endpoints) {
      for (const [status, response] of Object.entries(operation.responses)) {
        if (Number(status) < 400 || path.startsWith('/v1/')) continue;
        const media = response.content?.['application/json'];
        expect(media?.schema).toEqual({ $ref: '#/components/schemas/ErrorResponseDto' });
        const examples = media?.examples
          ? Object.values(media.examples).map((example) => example.value)
          : [media?.example];
        expect(examples.length).toBeGreaterThan(0);
        for (const example of examples) {
          expect(example).toEqual({
            statusCode: Number(status),
            error: STATUS_CODES[Number(status)],
            message: expect.any(String),
            request_id: expect.any(String),
          });
        }
      }
    }
    const messagesOf = (operationId: string, status: string) =>
      Object.values(
        endpoint(operationId).responses[status].content?.['application/json'].examples ?? {},
      ).map((example) => (example.value as { message: string }).message);
    expect(messagesOf('chatDirect', '400')).toContain('No message provided');
    expect(messagesOf('chatDirect', '401')).toContain('Missing bearer token');
    expect(messagesOf('chatDirect', '404')).toEqual(['Conversation not found']);
  });

  it('documents the errors of the OpenAI-compatible door in OpenAI’s shape', () => {
    const door = endpoints.filter(({ path }) => path.startsWith('/v1/'));
    expect(door.map(({ method, path }) => `${method} ${path}`).sort()).toEqual([
      'get /v1/models',
      'get /v1/models/{model}',
      'post /v1/chat/completions',
    ]);
    for (const { operation } of door) {
      const errors = Object.entries(operation.responses).filter(([status]) => +status >= 400);
      expect(errors.map(([status]) => status)).toEqual(expect.arrayContaining(['401', '429']));
      for (const [, response] of errors) {
        expect(response.content?.['application/json'].schema).toEqual({
          $ref: '#/components/schemas/OpenAiErrorDto',
        });
      }
    }
    const completions = door.find(({ path }) => path === '/v1/chat/completions')!.operation;
    expect(Object.keys(completions.responses)).toEqual(
      expect.arrayContaining(['400', '404', '409', '413', '415', '422', '502', '503', '504']),
    );
    expect(completions.responses['429'].headers?.['Retry-After']).toBeDefined();
  });

  it('matches the validators', () => {
    const chatRequest = schema('ChatRequest');
    expect(chatRequest.required).toEqual(['message']);
    expect(chatRequest.properties?.message).toMatchObject({
      minLength: 1,
      maxLength: t.config.chat.maxMessageChars,
    });
    expect(chatRequest.properties?.conversation_id?.pattern).toBe('^[A-Za-z0-9_-]{1,64}$');
    expect(chatRequest.properties?.stream).toMatchObject({ type: 'boolean' });
    expect(chatRequest.properties?.stream).not.toHaveProperty('default');

    for (const operationId of ['getConversation', 'renameConversation', 'deleteConversation']) {
      const id = endpoint(operationId).parameters?.find((parameter) => parameter.in === 'path');
      expect(id?.schema?.pattern).toBe('^[A-Za-z0-9_-]{1,64}$');
    }
    for (const name of ['CreateConversationRequest', 'RenameConversationRequest']) {
      expect(schema(name).properties?.title).toMatchObject({ minLength: 1, maxLength: 200 });
    }

    const limit = endpoint('listConversations').parameters?.find((p) => p.name === 'limit');
    expect(limit?.schema).toMatchObject({ type: 'integer', minimum: 1, maximum: 100 });
    const integers: Array<[string, string]> = [
      ['UsageDto', 'input_tokens'],
      ['UsageDto', 'output_tokens'],
      ['ToolCallDto', 'duration_ms'],
      ['StepDto', 'index'],
      ['ChatResponse', 'latency_ms'],
      ['OrchestratedChatResponse', 'latency_ms'],
      ['RouteDecisionDto', 'latency_us'],
      ['ConversationSummaryDto', 'message_count'],
      ['ErrorResponseDto', 'statusCode'],
    ];
    for (const [name, property] of integers) {
      expect([name, schema(name).properties?.[property]?.type]).toEqual([name, 'integer']);
    }
    const timestamps: Array<[string, string]> = [
      ['ConversationSummaryDto', 'created_at'],
      ['ConversationSummaryDto', 'updated_at'],
      ['ConversationDto', 'created_at'],
      ['ConversationDto', 'updated_at'],
      ['StoredMessageDto', 'created_at'],
    ];
    for (const [name, property] of timestamps) {
      expect([name, schema(name).properties?.[property]?.format]).toEqual([name, 'date-time']);
    }
  });

  it('promises routing on the orchestrated answer only, and tool_calls and steps nowhere', () => {
    const okSchema = (operationId: string) =>
      endpoint(operationId).responses['200'].content?.['application/json'].schema;
    expect(okSchema('chatOrchestrated')).toEqual({
      $ref: '#/components/schemas/OrchestratedChatResponse',
    });
    expect(schema('OrchestratedChatResponse').required).toContain('routing');
    for (const operationId of ['chatDirect', 'chatMcpAgent', 'chatUltrafast']) {
      expect(okSchema(operationId)).toEqual({ $ref: '#/components/schemas/ChatResponse' });
    }
    expect(schema('ChatResponse').required).not.toEqual(
      expect.arrayContaining([expect.stringMatching(/^(routing|tool_calls|steps)$/)]),
    );
    expect(schema('RouteDecisionDto').properties?.latency_us).toMatchObject({
      description: expect.stringContaining('not the history read around it'),
    });
  });

  it('has examples that work as shown: Swagger UI’s first Try it out succeeds everywhere', async () => {
    for (const { method, path, operation } of endpoints) {
      const { url, body } = exampleRequest(operation, path);
      const expected = Math.min(
        ...Object.keys(operation.responses)
          .map(Number)
          .filter((status) => status < 300),
      );
      const verb = method as 'get' | 'post' | 'patch' | 'delete';
      const response = await request(t.http)[verb](url).set(t.alice).send(body);
      expect([operation.operationId, response.status]).toEqual([operation.operationId, expected]);
    }
  });

  it('generates a typed client that type-checks against every operation', async () => {
    expect([...operationsUsedByClient()].sort()).toEqual([...OPERATION_IDS].sort());
    expect(await typeCheckClient(document)).toEqual([]);
  });

  /** The request Swagger UI sends first: path parameters and the body from their examples. */
  function exampleRequest(operation: Operation, path: string): { url: string; body?: object } {
    const url = path.replace(/\{(\w+)\}/g, (_, name: string) => {
      const parameter = operation.parameters?.find((candidate) => candidate.name === name);
      return String(parameter?.example ?? parameter?.schema?.example);
    });
    const media = operation.requestBody?.content['application/json'];
    if (!media) return { url };
    if (media.examples) return { url, body: Object.values(media.examples)[0].value as object };
    return { url, body: (media.example as object | undefined) ?? exampleOf(media.schema) };
  }

  function exampleOf(target: Schema | undefined): object {
    const resolved = target?.$ref ? schema(target.$ref.split('/').pop() ?? '') : target;
    return Object.fromEntries(
      Object.entries(resolved?.properties ?? {}).flatMap(([name, property]) =>
        property.example === undefined ? [] : [[name, property.example]],
      ),
    );
  }
});
