/**
 * A small MCP server over HTTP for the e2e tests, run as its own process (see mcp-server-process.ts)
 * so a test can kill it and start it again on the same port. Self-contained: it is transpiled and
 * evaluated from the project root, so it may import packages but no relative modules.
 *
 * Environment: MCP_TRANSPORT (`streamable`, the default; `sse` for a legacy HTTP+SSE server at /sse;
 * `stdio`) and, over HTTP, PORT (0 → any free port). Prints `listening <port>` once it accepts
 * connections over HTTP.
 *
 * Tools: `echo` {text}, `slow` {ms} (sleeps, then answers), `add_tool` (adds `extra` and announces
 * the change with notifications/tools/list_changed), `crash` (the process exits at once), `huge`
 * {bytes} (a text result of that many characters, numbered lines, also as structured content),
 * `gauge` {ms} (sleeps, then answers `peak <n>`: the most calls of it running at once while it ran),
 * and `unfinished_line` {bytes} (over stdio: writes `bytes` of one line that never ends, an object of
 * ever new top-level keys `{"k0":0,"k1":0,…`, then goes quiet and never answers).
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { SSEServerTransport } from '@modelcontextprotocol/sdk/server/sse.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import {
  CallToolRequestSchema,
  ListToolsRequestSchema,
  type CallToolResult,
  type Tool,
} from '@modelcontextprotocol/sdk/types.js';

type Session = { server: Server; transport: StreamableHTTPServerTransport | SSEServerTransport };

const BASE_TOOLS: Tool[] = [
  {
    name: 'echo',
    description: 'Answers with the text it was given',
    inputSchema: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] },
  },
  {
    name: 'slow',
    description: 'Waits `ms` milliseconds, then answers',
    inputSchema: { type: 'object', properties: { ms: { type: 'number' } }, required: ['ms'] },
  },
  {
    name: 'crash',
    description: 'Ends the server process at once',
    inputSchema: { type: 'object', properties: {} },
  },
  {
    name: 'add_tool',
    description: 'Adds the tool `extra` and announces the new tool list',
    inputSchema: { type: 'object', properties: {} },
  },
  {
    name: 'huge',
    description: 'Answers with a text of `bytes` characters',
    inputSchema: { type: 'object', properties: { bytes: { type: 'number' } }, required: ['bytes'] },
    outputSchema: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] },
  },
  {
    name: 'gauge',
    description: 'Waits `ms` milliseconds, then says how many gauge calls ran at once meanwhile',
    inputSchema: { type: 'object', properties: { ms: { type: 'number' } }, required: ['ms'] },
  },
  {
    name: 'unfinished_line',
    description: 'Writes `bytes` of a line that never ends to stdout, then never answers',
    inputSchema: { type: 'object', properties: { bytes: { type: 'number' } }, required: ['bytes'] },
  },
];
const EXTRA_TOOL: Tool = {
  name: 'extra',
  description: 'Exists once add_tool has run',
  inputSchema: { type: 'object', properties: {} },
};

const sessions = new Map<string, Session>();
let extraAdded = false;
/** The peak each running gauge call has seen so far. */
const gauges = new Set<{ peak: number }>();

function listTools(): Tool[] {
  return extraAdded ? [...BASE_TOOLS, EXTRA_TOOL] : BASE_TOOLS;
}

async function callTool(name: string, args: Record<string, unknown>): Promise<CallToolResult> {
  switch (name) {
    case 'echo':
      return text(String(args.text));
    case 'slow':
      await sleep(Number(args.ms));
      return text(`slept ${Number(args.ms)} ms`);
    case 'add_tool':
      extraAdded = true;
      for (const session of sessions.values()) void session.server.sendToolListChanged();
      return text('added extra');
    case 'crash':
      return process.exit(1);
    case 'extra':
      return text('extra here');
    case 'huge':
      return hugeText(Number(args.bytes));
    case 'gauge':
      return gauge(Number(args.ms));
    case 'unfinished_line':
      return unfinishedLine(Number(args.bytes));
    default:
      return { content: [{ type: 'text', text: `no tool ${name}` }], isError: true };
  }
}

function text(value: string): CallToolResult {
  return { content: [{ type: 'text', text: value }] };
}

/** Numbered lines of 100 characters (`line 000001 xxx…`), `bytes` characters in all. */
function hugeText(bytes: number): CallToolResult {
  const lines = Math.ceil(bytes / 100);
  const all = Array.from({ length: lines }, (_, i) =>
    `line ${String(i + 1).padStart(6, '0')} `.padEnd(99, 'x'),
  ).join('\n');
  const value = all.slice(0, bytes);
  return { content: [{ type: 'text', text: value }], structuredContent: { text: value } };
}

async function gauge(ms: number): Promise<CallToolResult> {
  const mine = { peak: 0 };
  gauges.add(mine);
  for (const running of gauges) running.peak = Math.max(running.peak, gauges.size);
  await sleep(ms);
  gauges.delete(mine);
  return text(`peak ${mine.peak}`);
}

/** Short keys, so a reader that kept every key would hold millions of them. */
async function unfinishedLine(bytes: number): Promise<never> {
  let written = 0;
  let key = 0;
  let prefix = '{';
  while (written < bytes) {
    let chunk = prefix;
    prefix = '';
    while (chunk.length < 64 * 1024) chunk += `"k${key++}":0,`;
    written += chunk.length;
    if (!process.stdout.write(chunk)) await once(process.stdout, 'drain');
  }
  return new Promise<never>(() => {});
}

function buildServer(): Server {
  const server = new Server(
    { name: 'test-mcp-server', version: '1.0.0' },
    { capabilities: { tools: { listChanged: true } } },
  );
  server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: listTools() }));
  server.setRequestHandler(CallToolRequestSchema, (request) =>
    callTool(request.params.name, request.params.arguments ?? {}),
  );
  return server;
}

async function serveStreamable(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const sessionId = req.headers['mcp-session-id'];
  if (typeof sessionId === 'string') {
    const session = sessions.get(sessionId);
    if (session)
      return (session.transport as StreamableHTTPServerTransport).handleRequest(req, res);
    return plain(res, 404, 'Session not found');
  }
  const server = buildServer();
  const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
    sessionIdGenerator: randomUUID,
    onsessioninitialized: (id) => {
      sessions.set(id, { server, transport });
    },
  });
  transport.onclose = () => {
    if (transport.sessionId) sessions.delete(transport.sessionId);
  };
  await server.connect(transport);
  await transport.handleRequest(req, res);
}

async function serveSse(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (req.method === 'GET' && url.pathname === '/sse') {
    const server = buildServer();
    const transport = new SSEServerTransport('/messages', res);
    sessions.set(transport.sessionId, { server, transport });
    transport.onclose = () => {
      sessions.delete(transport.sessionId);
    };
    return server.connect(transport);
  }
  const session = sessions.get(url.searchParams.get('sessionId') ?? '');
  if (req.method === 'POST' && url.pathname === '/messages' && session) {
    return (session.transport as SSEServerTransport).handlePostMessage(req, res);
  }
  plain(res, 405, 'This legacy server speaks HTTP+SSE only');
}

function plain(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'text/plain' }).end(body);
}

function listen(serve: (req: IncomingMessage, res: ServerResponse) => Promise<void>): void {
  const http = createServer((req, res) => {
    serve(req, res).catch((error: Error) => {
      if (!res.headersSent) plain(res, 500, error.message);
    });
  });
  http.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
    console.log(`listening ${(http.address() as AddressInfo).port}`);
  });
}

if (process.env.MCP_TRANSPORT === 'stdio') {
  await buildServer().connect(new StdioServerTransport());
} else {
  listen(process.env.MCP_TRANSPORT === 'sse' ? serveSse : serveStreamable);
}
