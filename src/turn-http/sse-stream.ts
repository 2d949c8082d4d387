import { ServerResponse } from 'node:http';
import type { SseFrame } from './turn-format.js';

/** A comment line this often while nothing else is written, so proxies keep the connection open. */
const HEARTBEAT_MS = 15_000;
/**
 * How long one event may wait for a reader that stopped reading. Past it the connection is closed,
 * which cancels the turn like any disconnect: a stalled reader holds neither memory nor the model
 * call (and so not the other requests sharing an ultrafast call) for longer.
 */
const STALLED_READER_MS = 30_000;

export interface SseOptions {
  heartbeatMs?: number;
  stalledReaderMs?: number;
  /** Called once, just before the headers go out (the HTTP adapter is told to leave the response). */
  beforeOpen?: () => void;
}

/**
 * A Server-Sent Events response written on Node's own ServerResponse, so it is the same under every HTTP
 * adapter. The headers go out with the first event. A write waits for 'drain' when the socket's buffer is
 * full, so a slow reader slows the producer instead of filling memory, up to STALLED_READER_MS; writes
 * after the client left are dropped.
 */
export class SseStream {
  private heartbeat?: NodeJS.Timeout;
  private wroteSinceBeat = false;

  private readonly heartbeatMs: number;
  private readonly stalledReaderMs: number;

  constructor(
    private readonly res: ServerResponse,
    private readonly options: SseOptions = {},
  ) {
    this.heartbeatMs = options.heartbeatMs ?? HEARTBEAT_MS;
    this.stalledReaderMs = options.stalledReaderMs ?? STALLED_READER_MS;
  }

  /** True once the headers (200, text/event-stream) are sent: errors must then be events. */
  get started(): boolean {
    return this.res.headersSent;
  }

  /** Headers to send with the stream's own; only before it has started. */
  setHeaders(headers: Record<string, string>): void {
    for (const [name, value] of Object.entries(headers)) this.res.setHeader(name, value);
  }

  async send({ event, data }: SseFrame): Promise<void> {
    if (this.gone) return;
    this.open();
    this.wroteSinceBeat = true;
    await this.write(`${event === undefined ? '' : `event: ${event}\n`}data: ${data}\n\n`);
  }

  /** Ends a started stream; one that never started is left for an error response. */
  end(): void {
    clearInterval(this.heartbeat);
    if (this.started && !this.gone) this.res.end();
  }

  private get gone(): boolean {
    return this.res.destroyed || this.res.writableEnded;
  }

  private open(): void {
    if (this.res.headersSent) return;
    this.options.beforeOpen?.();
    this.res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    this.heartbeat = setInterval(() => this.beat(), this.heartbeatMs).unref();
    this.res.once('close', () => clearInterval(this.heartbeat));
  }

  private beat(): void {
    if (!this.wroteSinceBeat && !this.gone && !this.res.writableNeedDrain) {
      this.res.write(': keep-alive\n\n');
    }
    this.wroteSinceBeat = false;
  }

  private write(chunk: string): Promise<void> {
    if (this.res.write(chunk)) return Promise.resolve();
    return new Promise((resolve) => {
      const stalled = setTimeout(() => this.res.destroy(), this.stalledReaderMs);
      const done = () => {
        clearTimeout(stalled);
        this.res.off('drain', done);
        this.res.off('close', done);
        resolve();
      };
      this.res.once('drain', done);
      this.res.once('close', done);
    });
  }
}
