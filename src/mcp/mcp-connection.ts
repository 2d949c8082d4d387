import { Logger } from '@nestjs/common';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import {
  CallToolResult,
  CallToolResultSchema,
  ErrorCode,
  McpError,
  Tool,
  ToolListChangedNotificationSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { FILESYSTEM_SERVER_NAME, FileReadGuard } from './file-read-guard.js';
import type { OversizeMessage } from './json-rpc-line-reader.js';
import { isMidMessage, listAllowedTools, openClient } from './mcp-client.js';
import { withinTimeout, withRequestSignal } from './request-signal.js';
import { McpServerSpec } from './mcp-config.js';
import { PathRedactor } from './path-redaction.js';
import { MAX_MESSAGE_BYTES, MAX_WHOLE_FILE_BYTES } from './tool-limits.js';
import { formatBytes, resultText } from './tool-output.js';

const RETRY_FIRST_DELAY_MS = 1_000;
const RETRY_MAX_DELAY_MS = 30_000;
/** A connection that lasted this long starts the backoff afresh when it is lost. */
const STABLE_CONNECTION_MS = 60_000;
const PROBE_TIMEOUT_MS = 5_000;

type ServerStatus = 'connected' | 'failed' | 'disabled';

export interface ServerSnapshot {
  name: string;
  status: ServerStatus;
  tools: Tool[];
  /** Why a failed server is not connected. */
  error?: string;
}

/** A tool call that produced no result; its message is meant for the model. */
export class ToolCallError extends Error {}

/**
 * One configured MCP server: connects, caches its allowed tools (refreshed when the server says they
 * changed), calls them with a timeout, and after a failure or crash reconnects with backoff.
 */
export class McpConnection {
  private readonly logger: Logger;
  private readonly lifetime = new AbortController();
  private client?: Client;
  private tools: Tool[] = [];
  private lastError = 'connecting';
  private failures = 0;
  private connectedAt = 0;
  private retryTimer?: NodeJS.Timeout;
  private attempt?: Promise<void>;
  private probing = false;
  /** Set while connected to the filesystem server, whose whole-file reads it bounds. */
  private readGuard?: FileReadGuard;

  constructor(
    readonly spec: McpServerSpec,
    private readonly paths: PathRedactor,
  ) {
    this.logger = new Logger(`MCP ${spec.name}`);
  }

  get name(): string {
    return this.spec.name;
  }

  /** Resolves once the first attempt has succeeded or failed; retries continue in the background. */
  start(): Promise<void> {
    if (this.spec.disabled) return Promise.resolve();
    this.attempt = this.connect();
    return this.attempt;
  }

  snapshot(): ServerSnapshot {
    if (this.spec.disabled) return { name: this.name, status: 'disabled', tools: [] };
    if (!this.client) {
      return { name: this.name, status: 'failed', tools: [], error: this.lastError };
    }
    return { name: this.name, status: 'connected', tools: this.tools };
  }

  /** The tools callable right now: none unless connected. */
  availableTools(): Tool[] {
    return this.client ? this.tools : [];
  }

  /** `modelInput` may name paths as the model was shown them (`<workspace>/a.txt`). */
  async callTool(tool: string, modelInput: unknown, signal?: AbortSignal): Promise<CallToolResult> {
    const client = this.client;
    if (!client) {
      throw new ToolCallError(`MCP server "${this.name}" is not connected (${this.lastError})`);
    }
    if (!this.tools.some((known) => known.name === tool)) {
      throw new ToolCallError(`Tool "${tool}" is not available on MCP server "${this.name}"`);
    }
    const input = this.paths.restore(modelInput);
    const refusal = await this.readGuard?.refusal(tool, input, (path) =>
      this.fileSize(client, path, signal),
    );
    if (refusal) throw new ToolCallError(refusal);
    try {
      return await this.request(client, tool, input, signal);
    } catch (error) {
      throw this.callFailure(client, tool, error, signal);
    }
  }

  /** Paths in `text` told relative to the workspace (for tool results, errors and logs). */
  redactPaths(text: string): string {
    return this.paths.redact(text);
  }

  /**
   * tools/call through the generic request: Client.callTool would also check structured content
   * against the tool's output schema, and a result cut by the transport has none (we read its text).
   */
  private request(
    client: Client,
    tool: string,
    input: unknown,
    signal?: AbortSignal,
  ): Promise<CallToolResult> {
    return withRequestSignal(signal, (request) =>
      client.request(
        {
          method: 'tools/call',
          params: { name: tool, arguments: input as Record<string, unknown> },
        },
        CallToolResultSchema,
        { timeout: this.spec.timeoutMs, signal: request },
      ),
    );
  }

  /** The size the filesystem server reports for `path`; undefined when it cannot tell. */
  private async fileSize(
    client: Client,
    path: string,
    signal?: AbortSignal,
  ): Promise<number | undefined> {
    try {
      const info = await this.request(client, 'get_file_info', { path }, signal);
      const size = info.isError ? undefined : /^size: (\d+)$/m.exec(resultText(info))?.[1];
      return size === undefined ? undefined : Number(size);
    } catch {
      return undefined;
    }
  }

  async close(): Promise<void> {
    this.lifetime.abort();
    clearTimeout(this.retryTimer);
    // An attempt is bounded by the server's timeout; never let shutdown wait on more than that.
    await withinTimeout(
      this.attempt ?? Promise.resolve(),
      this.spec.timeoutMs,
      async () => undefined,
    ).catch(() => undefined);
    const client = this.client;
    this.client = undefined;
    await client?.close();
  }

  private async connect(): Promise<void> {
    let client: Client | undefined;
    try {
      client = await openClient(this.spec, {
        signal: this.lifetime.signal,
        onStderr: (text) => this.logger.debug(this.paths.redact(text)),
        onOversize: (report) => this.reportOversize(report),
      });
      this.watch(client);
      this.tools = await listAllowedTools(client, this.spec, this.lifetime.signal);
    } catch (error) {
      await client?.close().catch(() => undefined);
      return this.fail(`cannot connect: ${messageOf(error)}`);
    }
    if (this.lifetime.signal.aborted) return client.close();
    this.client = client;
    const isFilesystemServer = client.getServerVersion()?.name === FILESYSTEM_SERVER_NAME;
    this.readGuard = isFilesystemServer ? new FileReadGuard(MAX_WHOLE_FILE_BYTES) : undefined;
    this.connectedAt = performance.now();
    this.logger.log(`Connected, ${this.tools.length} tools`);
    this.warnAboutUnknownAllowedTools();
  }

  private watch(client: Client): void {
    client.onclose = () => this.lose(client, 'connection closed');
    client.onerror = (error) => void this.probe(client, error);
    client.setNotificationHandler(ToolListChangedNotificationSchema, () =>
      this.refreshTools(client),
    );
  }

  /** Transport errors are often harmless (a dropped event stream); a ping tells if the server is gone. */
  private async probe(client: Client, error: Error): Promise<void> {
    if (this.client !== client || this.probing) return;
    this.probing = true;
    try {
      await client.ping({ timeout: PROBE_TIMEOUT_MS });
    } catch {
      this.lose(client, messageOf(error));
    } finally {
      this.probing = false;
    }
  }

  private async refreshTools(client: Client): Promise<void> {
    if (this.client !== client) return;
    try {
      const tools = await listAllowedTools(client, this.spec, this.lifetime.signal);
      if (this.client !== client) return;
      this.tools = tools;
      this.logger.log(`Tool list changed, ${tools.length} tools`);
    } catch (error) {
      this.logger.warn(`Cannot refresh the tool list: ${messageOf(error)}`);
    }
  }

  private callFailure(
    client: Client,
    tool: string,
    error: unknown,
    signal?: AbortSignal,
  ): ToolCallError {
    if (signal?.aborted) return new ToolCallError(`Tool "${tool}" was cancelled`);
    if (error instanceof McpError && error.code === (ErrorCode.RequestTimeout as number)) {
      // A server stuck in the middle of a message would have its next answer read as the rest of
      // that message, and another call time out. (A message still arriving from a healthy server
      // just then is cut off too: a reconnect is the lesser harm.)
      if (isMidMessage(client)) this.lose(client, 'a call timed out in the middle of a message');
      return new ToolCallError(`Tool "${tool}" did not answer within ${this.spec.timeoutMs} ms`);
    }
    // Anything but a JSON-RPC error from a live server means the connection itself is broken.
    if (!(error instanceof McpError) || error.code === (ErrorCode.ConnectionClosed as number)) {
      this.lose(client, messageOf(error));
    }
    return new ToolCallError(`Tool "${tool}" failed: ${messageOf(error)}`);
  }

  private lose(client: Client, reason: string): void {
    if (this.client !== client) return;
    this.client = undefined;
    this.tools = [];
    if (performance.now() - this.connectedAt >= STABLE_CONNECTION_MS) this.failures = 0;
    void client.close().catch(() => undefined);
    this.fail(`connection lost: ${reason}`);
  }

  private fail(cause: string): void {
    const reason = this.paths.redact(cause);
    this.lastError = reason;
    if (this.lifetime.signal.aborted) return;
    const delay = Math.min(RETRY_FIRST_DELAY_MS * 2 ** this.failures, RETRY_MAX_DELAY_MS);
    this.failures += 1;
    this.logger.warn(`${reason}; retrying in ${delay} ms`);
    this.retryTimer = setTimeout(() => {
      this.attempt = this.connect();
    }, delay).unref();
  }

  private reportOversize({ bytes, answered }: OversizeMessage): void {
    const outcome = {
      'cut result': 'the tool result was cut to its beginning; the server stays connected',
      error: 'the request was answered with an error; the server stays connected',
      nothing: 'it was dropped (no request waits on it); the server stays connected',
      'connection closed': 'the line did not end, so the connection was closed',
    }[answered];
    this.logger.warn(
      `The server sent a message of ${formatBytes(bytes)}, more than ` +
        `${formatBytes(MAX_MESSAGE_BYTES)}: ${outcome}`,
    );
  }

  private warnAboutUnknownAllowedTools(): void {
    const listed = new Set(this.tools.map((tool) => tool.name));
    const unknown = (this.spec.allowedTools ?? []).filter((name) => !listed.has(name));
    if (unknown.length > 0) {
      this.logger.warn(`allowedTools names tools the server does not list: ${unknown.join(', ')}`);
    }
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
