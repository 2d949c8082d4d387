/**
 * The floor: a bare node:http server doing the service's jobs with nothing else (no framework, auth,
 * validation, rate limit, logs or metrics), configured like the service through the app's loadConfig.
 * - POST /direct, a direct turn: read the window (one pipelined read), one model call through the real
 *   SDK, one append script.
 * - POST /hit, an ultrafast cache hit: read the cached answer, one append script.
 * Both take the service's body, {message, conversation_id}. Prints its URL once listening.
 */
import Anthropic from '@anthropic-ai/sdk';
import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { newId } from '../src/common/ids.js';
import { readEnvironment } from '../src/config/env-file.js';
import { loadConfig } from '../src/config/load-config.js';
import { TurnStore } from './turn-store.js';
import { FLOOR_CACHE_KEY, PRINCIPAL } from './workload.js';

/** As long as the service's direct prompt, which is not exported. */
const SYSTEM_PROMPT =
  'You are a capable, careful assistant. Answer accurately and clearly; use the conversation so far ' +
  'when the question depends on it. Use Markdown where it helps readability.';

interface ChatBody {
  message: string;
  conversation_id: string;
}

interface Answer {
  route: 'direct_llm' | 'ultra_fast';
  text: string;
  model: string;
  cached: boolean;
  usage: { input_tokens: number; output_tokens: number };
  stopReason: string | null;
}

const config = loadConfig(readEnvironment());
const store = new TurnStore(config.redis.url as string, PRINCIPAL, config.conversations);
const anthropic = new Anthropic({
  apiKey: config.llm.apiKey,
  baseURL: config.llm.baseUrl,
  maxRetries: 2,
  timeout: config.llm.timeoutMs,
});

async function directTurn(body: ChatBody): Promise<Answer | undefined> {
  const history = await store.readWindow(
    body.conversation_id,
    config.conversations.historyMaxMessages,
  );
  if (!history) return undefined;
  const reply = await anthropic.messages.create({
    model: config.llm.defaultModel,
    system: SYSTEM_PROMPT,
    max_tokens: config.llm.maxTokens,
    messages: [
      ...history.map(({ role, content }) => ({ role, content })),
      { role: 'user', content: body.message },
    ],
  });
  const text = reply.content.map((block) => (block.type === 'text' ? block.text : '')).join('');
  return {
    route: 'direct_llm',
    text,
    model: reply.model,
    cached: false,
    usage: reply.usage,
    stopReason: reply.stop_reason,
  };
}

async function cacheHit(): Promise<Answer> {
  const { text, model } = JSON.parse((await store.get(FLOOR_CACHE_KEY)) as string) as {
    text: string;
    model: string;
  };
  const usage = { input_tokens: 0, output_tokens: 0 };
  return { route: 'ultra_fast', text, model, cached: true, usage, stopReason: 'end_turn' };
}

/** Answers, stores the turn, and replies with the service's ChatResponse fields. */
async function serve(path: string | undefined, body: ChatBody, res: ServerResponse): Promise<void> {
  const started = performance.now();
  const answer =
    path === '/direct' ? await directTurn(body) : path === '/hit' ? await cacheHit() : undefined;
  const messageId = newId('m');
  const stored =
    answer &&
    (await store.appendTurn(
      body.conversation_id,
      { route: answer.route, model: answer.model, user: body.message, assistant: answer.text },
      messageId,
    ));
  if (!answer || stored === -1) {
    res.writeHead(404).end();
    return;
  }
  const response = JSON.stringify({
    conversation_id: body.conversation_id,
    message_id: messageId,
    response: answer.text,
    route: answer.route,
    model: answer.model,
    cached: answer.cached,
    usage: answer.usage,
    stop_reason: answer.stopReason,
    latency_ms: Math.round(performance.now() - started),
  });
  res.writeHead(200, { 'content-type': 'application/json' }).end(response);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString()));
    req.on('error', reject);
  });
}

const server = createServer((req, res) => {
  readBody(req)
    .then((text) => serve(req.url, JSON.parse(text) as ChatBody, res))
    .catch((error: unknown) => res.writeHead(500).end(String(error)));
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`http://127.0.0.1:${(server.address() as AddressInfo).port}\n`);
});
