import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import openapiTS, { type OpenAPI3 } from 'openapi-typescript';
import ts from 'typescript';

/**
 * What a web app writes against the types generated from /api/docs-json: every operation's request,
 * its answers and its errors, by path and by operationId. It is type-checked, never run; a
 * `@ts-expect-error` line fails the check if the document stops refusing what the server refuses.
 */
const CLIENT_SCRIPT = `
import type { components, operations, paths } from './schema.js';

type Route = 'direct_llm' | 'needs_tools' | 'ultra_fast' | 'complex';
type ChatBody = paths['/api/v1/chat/direct']['post']['requestBody']['content']['application/json'];
type ChatAnswer = components['schemas']['ChatResponse'];
type ErrorBody = components['schemas']['ErrorResponseDto'];
type RequestId = components['headers']['X-Request-Id'];

export const firstTry: ChatBody = { message: 'What is the capital of France?' };
export const continued: ChatBody = { message: 'And Germany?', conversation_id: 'default', stream: false };
// @ts-expect-error message is required
export const noMessage: ChatBody = { conversation_id: 'default' };
// @ts-expect-error stream is a boolean
export const badStream: ChatBody = { message: 'hi', stream: 'yes' };

export const sameRequestEverywhere: [
  operations['chatDirect']['requestBody']['content']['application/json'],
  operations['chatMcpAgent']['requestBody']['content']['application/json'],
  operations['chatUltrafast']['requestBody']['content']['application/json'],
  operations['chatOrchestrated']['requestBody']['content']['application/json'],
  operations['routeOrchestrated']['requestBody']['content']['application/json'],
] = [firstTry, continued, firstTry, continued, firstTry];

export function readAnswer(answer: ChatAnswer): string {
  const tokens: number = answer.usage.input_tokens + answer.usage.output_tokens;
  const route: Route = answer.route;
  const stop: 'end_turn' | 'max_tokens' | 'budget' = answer.stop_reason;
  const calls = (answer.tool_calls ?? []).map(
    (call) => call.server + call.name + call.is_error + call.output_preview + call.duration_ms,
  );
  const steps = (answer.steps ?? []).map((step) => step.index + step.title + step.status);
  const routed: string = answer.routing?.decided_by ?? 'not routed';
  return [answer.conversation_id, answer.message_id, answer.response, route, answer.model, stop]
    .concat(calls, steps, [routed, String(tokens + answer.latency_ms), String(answer.cached)])
    .join(' ');
}

export function readError(error: ErrorBody): string {
  const message: string = Array.isArray(error.message) ? error.message.join('; ') : error.message;
  const status: number = error.statusCode;
  return status + error.error + message + error.request_id;
}

export const direct = (
  answer: operations['chatDirect']['responses'][200]['content']['application/json'],
  requestId: operations['chatDirect']['responses'][200]['headers']['X-Request-Id'],
  notFound: operations['chatDirect']['responses'][404]['content']['application/json'],
  timeout: operations['chatDirect']['responses'][504]['content']['application/json'],
): string => readAnswer(answer) + requestId + readError(notFound) + readError(timeout);

export const agent = (
  answer: paths['/api/v1/chat/mcp-agent']['post']['responses'][200]['content']['application/json'],
): string => readAnswer(answer);

export const ultrafast = (
  answer: operations['chatUltrafast']['responses'][200]['content']['application/json'],
): boolean => answer.cached;

export const orchestrated = (
  answer: operations['chatOrchestrated']['responses'][200]['content']['application/json'],
): string => readAnswer(answer) + answer.routing.route + answer.routing.confidence.toFixed(2);

export const dryRun = (
  decision: operations['routeOrchestrated']['responses'][200]['content']['application/json'],
): number => {
  const route: Route = decision.route;
  const decidedBy: 'rules' | 'classifier' | 'llm' | 'fallback' = decision.decided_by;
  const best = decision.candidates[0];
  return route.length + decidedBy.length + (best ? best.score : 0) + decision.latency_us;
};

type CreateBody = NonNullable<operations['createConversation']['requestBody']>['content']['application/json'];
export const create: CreateBody = { title: 'Trip planning' };
export const createUntitled: CreateBody = {};
// The body is optional: a client may create a conversation with no body at all.
export const createWithoutBody: operations['createConversation']['requestBody'] = undefined;

type Summary = operations['createConversation']['responses'][201]['content']['application/json'];
export const readSummary = (summary: Summary): string =>
  summary.conversation_id + summary.title + summary.created_at + summary.updated_at +
  summary.message_count.toFixed(0);

export const listQuery: NonNullable<operations['listConversations']['parameters']['query']> = {
  limit: 20,
  cursor: 'next',
};
export const readPage = (
  page: operations['listConversations']['responses'][200]['content']['application/json'],
): string | null => page.items.map(readSummary).join() + (page.next_cursor ?? '');

export const getPath: operations['getConversation']['parameters']['path'] = { id: 'default' };
export const readConversation = (
  conversation: operations['getConversation']['responses'][200]['content']['application/json'],
): string =>
  conversation.title +
  conversation.messages
    .map((message) => message.message_id + message.role + message.content + message.route + message.model + message.created_at)
    .join();

export const renamePath: operations['renameConversation']['parameters']['path'] = { id: 'default' };
export const rename: operations['renameConversation']['requestBody']['content']['application/json'] = {
  title: 'Renamed',
};
// @ts-expect-error a rename needs a title
export const renameNothing: operations['renameConversation']['requestBody']['content']['application/json'] = {};
export const renamed = (
  summary: operations['renameConversation']['responses'][200]['content']['application/json'],
): string => readSummary(summary);

export const deletePath: operations['deleteConversation']['parameters']['path'] = { id: 'default' };
export const deleted = (
  requestId: operations['deleteConversation']['responses'][204]['headers']['X-Request-Id'],
): RequestId => requestId;

export const readTools = (
  tools: operations['listTools']['responses'][200]['content']['application/json'],
): string =>
  tools.servers
    .map((server) => server.name + server.status + (server.error ?? '') +
      server.tools.map((tool) => tool.name + tool.description + Object.keys(tool.input_schema).join()).join())
    .join();

export const live: operations['healthLive']['responses'][200]['content']['application/json'] = { status: 'ok' };
export const ready: operations['healthReady']['responses'][200]['content']['application/json'] = {
  status: 'ok',
  checks: { store: { status: 'up', detail: 'embedded' }, model: { status: 'up', detail: 'offline' } },
};
export const notReady = (
  error: operations['healthReady']['responses'][503]['content']['application/json'],
): string => readError(error);

export const models = (
  list: operations['listModels']['responses'][200]['content']['application/json'],
): string[] => list.data.map((model) => model.id + model.object + model.owned_by + model.created);
export const modelPath: operations['retrieveModel']['parameters']['path'] = { model: 'orchestrated' };
export const oneModel = (
  model: operations['retrieveModel']['responses'][200]['content']['application/json'],
): string => model.id + model.object + model.owned_by + model.created;
export const completion: operations['createChatCompletion']['requestBody']['content']['application/json'] = {
  model: 'orchestrated',
  messages: [{ role: 'user', content: 'Hello' }],
  stream: false,
  metadata: { conversation_id: 'default' },
};
export const readCompletion = (
  answer: operations['createChatCompletion']['responses'][200]['content']['application/json'],
): string =>
  answer.id + answer.model + answer.choices.map((choice) => choice.message.content + choice.finish_reason).join() +
  answer.usage.total_tokens;
`;

/** The operationIds the client script uses, by name (`operations['…']`). */
export function operationsUsedByClient(): Set<string> {
  return new Set([...CLIENT_SCRIPT.matchAll(/operations\['(\w+)'\]/g)].map((match) => match[1]));
}

/**
 * Generates TypeScript types from the OpenAPI document with openapi-typescript, as a web app would,
 * and type-checks the client script against them under strict options. Returns the diagnostics.
 */
export async function typeCheckClient(document: object): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'openapi-client-'));
  try {
    writeFileSync(join(dir, 'schema.ts'), await openapiTS(document as OpenAPI3, { silent: true }));
    writeFileSync(join(dir, 'client.ts'), CLIENT_SCRIPT);
    const program = ts.createProgram([join(dir, 'client.ts')], {
      strict: true,
      exactOptionalPropertyTypes: true,
      noUncheckedIndexedAccess: true,
      noEmit: true,
      skipLibCheck: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      lib: ['lib.es2022.d.ts'],
      types: [],
    });
    return ts.getPreEmitDiagnostics(program).map(formatDiagnostic);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function formatDiagnostic(diagnostic: ts.Diagnostic): string {
  const text = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
  if (!diagnostic.file || diagnostic.start === undefined) return text;
  const { line, character } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
  return `${diagnostic.file.fileName.split('/').pop()}:${line + 1}:${character + 1} ${text}`;
}
