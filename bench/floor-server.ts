/**
 * The floor for the ultrafast hit path: a bare node:http endpoint that does the same two Redis calls as
 * a cache hit (read the cached answer, append the turn with the same script), with no framework.
 */
import { createServer, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { APPEND_TURN_SCRIPT } from '../src/conversations/append-turn.script.js';
import { conversationKeys } from '../src/conversations/conversation-keys.js';

const PRINCIPAL = 'floor-user';
const port = Number(process.env.PORT);
const cacheKey = String(process.env.FLOOR_CACHE_KEY);
const redis = new Redis(String(process.env.REDIS_URL));
redis.defineCommand('appendTurn', { lua: APPEND_TURN_SCRIPT.lua, numberOfKeys: 3 });
const appendTurn = (redis as unknown as Record<string, (...args: unknown[]) => Promise<number>>)
  .appendTurn;

createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    serveHit(Buffer.concat(chunks).toString(), res).catch((error: unknown) =>
      res.writeHead(500).end(String(error)),
    );
  });
}).listen(port, '127.0.0.1');

/** Reads the cached answer, appends the turn with the service's own script, answers. */
async function serveHit(text: string, res: ServerResponse): Promise<void> {
  const { message } = JSON.parse(text) as { message: string };
  const cached = JSON.parse((await redis.get(cacheKey)) as string) as {
    text: string;
    model: string;
  };
  const now = new Date();
  const stored = (role: string, content: string) =>
    JSON.stringify({
      message_id: randomUUID(),
      role,
      content,
      route: 'ultra_fast',
      model: cached.model,
      created_at: now.toISOString(),
    });
  const keys = conversationKeys(PRINCIPAL, 'default');
  await appendTurn.call(
    redis,
    keys.meta,
    keys.messages,
    keys.index,
    'default',
    now.toISOString(),
    now.getTime(),
    2592000,
    1000,
    '0',
    stored('user', message),
    stored('assistant', cached.text),
    message,
  );
  const body = JSON.stringify({
    conversation_id: 'default',
    response: cached.text,
    cached: true,
  });
  res.writeHead(200, { 'content-type': 'application/json' }).end(body);
}
