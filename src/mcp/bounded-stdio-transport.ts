import { ChildProcess, spawn } from 'node:child_process';
import { PassThrough } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { getDefaultEnvironment } from '@modelcontextprotocol/sdk/client/stdio.js';
import { serializeMessage } from '@modelcontextprotocol/sdk/shared/stdio.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { JsonRpcLineReader, LineLimits, OversizeMessage } from './json-rpc-line-reader.js';
import { formatBytes } from './tool-output.js';

/** How long close() waits for the process after ending its stdin, and again after SIGTERM. */
const EXIT_WAIT_MS = 2_000;

export interface StdioProcessSpec {
  command: string;
  args: string[];
  env: Record<string, string>;
}

/**
 * The SDK's StdioClientTransport, with its reader replaced by one that never holds more than
 * `limits.maxMessageBytes` of a message (see JsonRpcLineReader): a server that answers with a huge
 * message has its answer cut, and stays connected. A server whose line goes on past
 * `limits.maxLineBytes` is broken: it is closed (onclose, so its owner reconnects it). Spawning and
 * closing follow the SDK's.
 */
export class BoundedStdioTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: <T extends JSONRPCMessage>(message: T) => void;
  /** What the server writes to stderr; read it, or a full pipe blocks the server. */
  readonly stderr = new PassThrough();
  private child?: ChildProcess;
  private readonly reader: JsonRpcLineReader;

  constructor(
    private readonly spec: StdioProcessSpec,
    private readonly limits: LineLimits,
    onOversize: (report: OversizeMessage) => void,
  ) {
    this.reader = new JsonRpcLineReader(limits, {
      message: (message) => this.onmessage?.(message),
      error: (error) => this.onerror?.(error),
      oversize: onOversize,
      endless: (bytes) => {
        this.closeEndless();
        onOversize({ bytes, answered: 'connection closed' });
      },
    });
  }

  /** True while the server is in the middle of a message: it has begun a line and not ended it. */
  get midMessage(): boolean {
    return this.child !== undefined && this.reader.midLine;
  }

  start(): Promise<void> {
    if (this.child) return Promise.reject(new Error('BoundedStdioTransport already started'));
    return new Promise((resolve, reject) => {
      const child = spawn(this.spec.command, this.spec.args, {
        env: { ...getDefaultEnvironment(), ...this.spec.env },
        stdio: ['pipe', 'pipe', 'pipe'],
        shell: false,
        windowsHide: true,
      });
      this.child = child;
      child.on('error', (error) => {
        reject(error);
        this.onerror?.(error);
      });
      child.on('spawn', () => resolve());
      child.on('close', () => {
        this.child = undefined;
        this.reader.clear();
        this.onclose?.();
      });
      child.stdin?.on('error', (error) => this.onerror?.(error));
      // Once closing, what the process still writes is drained unread.
      child.stdout?.on('data', (chunk: Buffer) => {
        if (this.child === child) this.reader.push(chunk);
      });
      child.stdout?.on('error', (error) => this.onerror?.(error));
      child.stderr?.pipe(this.stderr);
    });
  }

  send(message: JSONRPCMessage): Promise<void> {
    const stdin = this.child?.stdin;
    if (!stdin) return Promise.reject(new Error('Not connected'));
    return new Promise((resolve) => {
      if (stdin.write(serializeMessage(message))) resolve();
      else stdin.once('drain', resolve);
    });
  }

  /**
   * Stops reading a server that writes a line without end (so it meets a broken pipe rather than
   * writing on), then closes it; the error says why, before the process has gone.
   */
  private closeEndless(): void {
    this.child?.stdout?.destroy();
    void this.close();
    const limit = formatBytes(this.limits.maxLineBytes);
    this.onerror?.(new Error(`the server sent a line of more than ${limit} without ending it`));
  }

  /** Ends stdin and waits for the process; then SIGTERM, then SIGKILL, as the SDK does. */
  async close(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    this.reader.clear();
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const closed = new Promise<boolean>((resolve) => child.once('close', () => resolve(true)));
    const exitedWithin = () => Promise.race([closed, sleep(EXIT_WAIT_MS, false, { ref: false })]);
    child.stdin?.end();
    if (await exitedWithin()) return;
    child.kill('SIGTERM');
    if (await exitedWithin()) return;
    child.kill('SIGKILL');
  }
}
