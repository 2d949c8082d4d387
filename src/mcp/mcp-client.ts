import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import {
  StreamableHTTPClientTransport,
  StreamableHTTPError,
} from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { FetchLike, Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { boundedFetch } from './bounded-fetch.js';
import { BoundedStdioTransport } from './bounded-stdio-transport.js';
import type { LineLimits, OversizeMessage } from './json-rpc-line-reader.js';
import { McpServerSpec, RemoteServerSpec, StdioServerSpec } from './mcp-config.js';
import { withinTimeout, withRequestSignal } from './request-signal.js';
import { CUT_MESSAGE_KEPT_BYTES, MAX_LINE_BYTES, MAX_MESSAGE_BYTES } from './tool-limits.js';

const CLIENT_INFO = { name: 'orchestrated-chat', version: '0.1.0' };
/** One message's bounds, over stdio and HTTP alike. */
const MESSAGE_LIMITS: LineLimits = {
  maxMessageBytes: MAX_MESSAGE_BYTES,
  keptBytes: CUT_MESSAGE_KEPT_BYTES,
  maxLineBytes: MAX_LINE_BYTES,
};

export interface OpenOptions {
  /** Cancels the attempt (shutdown). */
  signal: AbortSignal;
  /** Receives what a stdio server writes to stderr. */
  onStderr: (text: string) => void;
  /** Told when a server sent a message too large to hold, and how it was answered. */
  onOversize: (report: OversizeMessage) => void;
}

/** A connected, initialised SDK client for one server. */
export async function openClient(spec: McpServerSpec, options: OpenOptions): Promise<Client> {
  if (spec.transport === 'stdio') return connect(spec, stdioTransport(spec, options), options);
  try {
    return await connect(spec, streamableTransport(spec, options), options);
  } catch (error) {
    // The spec's backwards-compatibility rule: a 4xx to the POST means an HTTP+SSE (2024-11-05) server.
    if (!isClientError(error)) throw error;
    return connect(spec, sseTransport(spec, options), options);
  }
}

/** Every page of the server's tool list, cut to the entry's `allowedTools`. */
export async function listAllowedTools(
  client: Client,
  spec: McpServerSpec,
  signal: AbortSignal,
): Promise<Tool[]> {
  const tools: Tool[] = [];
  let cursor: string | undefined;
  do {
    const params = cursor ? { cursor } : undefined;
    const page = await withRequestSignal(signal, (request) =>
      client.listTools(params, { timeout: spec.timeoutMs, signal: request }),
    );
    tools.push(...page.tools);
    cursor = page.nextCursor;
  } while (cursor);
  const allowed = spec.allowedTools;
  return allowed ? tools.filter((tool) => allowed.includes(tool.name)) : tools;
}

/** True when the client's stdio server has begun a message and not finished it. */
export function isMidMessage(client: Client): boolean {
  const transport = client.transport;
  return transport instanceof BoundedStdioTransport && transport.midMessage;
}

async function connect(
  spec: McpServerSpec,
  transport: Transport,
  { signal }: OpenOptions,
): Promise<Client> {
  const client = new Client(CLIENT_INFO);
  // The SDK bounds the initialize request but not the transport's start (an SSE stream that never
  // sends its endpoint would wait forever), so the whole connect is bounded here.
  const connecting = withRequestSignal(signal, (request) =>
    client.connect(transport, { timeout: spec.timeoutMs, signal: request }),
  );
  await withinTimeout(connecting, spec.timeoutMs, () => client.close());
  return client;
}

function stdioTransport(spec: StdioServerSpec, { onStderr, onOversize }: OpenOptions): Transport {
  const transport = new BoundedStdioTransport(
    { command: spec.command, args: spec.args, env: spec.env },
    MESSAGE_LIMITS,
    onOversize,
  );
  // Read it always: an unread pipe fills up and blocks the server.
  transport.stderr.on('data', (chunk: Buffer) => onStderr(chunk.toString('utf8').trimEnd()));
  return transport;
}

/** The SDK's two HTTP client transports, as this file constructs them. */
type RemoteTransportClass = new (
  url: URL,
  options: { requestInit: RequestInit; fetch: FetchLike },
) => Transport;

function streamableTransport(spec: RemoteServerSpec, options: OpenOptions): Transport {
  return remoteTransport(StreamableHTTPClientTransport, spec, options);
}

function sseTransport(spec: RemoteServerSpec, options: OpenOptions): Transport {
  return remoteTransport(SSEClientTransport, spec, options);
}

function remoteTransport(
  Kind: RemoteTransportClass,
  spec: RemoteServerSpec,
  { onOversize }: OpenOptions,
): Transport {
  const transport = new Kind(spec.url, {
    requestInit: { headers: spec.headers },
    fetch: boundedFetch({
      limits: MESSAGE_LIMITS,
      onOversize,
      onEndless: () => closeBroken(transport),
    }),
  });
  return transport;
}

/** As a stdio server with an endless line is: closed, so its owner fails what waits and reconnects. */
function closeBroken(transport: Transport): void {
  transport.close().catch(() => undefined);
}

function isClientError(error: unknown): boolean {
  return (
    error instanceof StreamableHTTPError &&
    error.code !== undefined &&
    error.code >= 400 &&
    error.code < 500
  );
}
