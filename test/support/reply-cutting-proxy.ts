import { createServer, Server, Socket, connect } from 'node:net';
import { freePort } from './redis-server.js';

/**
 * A TCP proxy in front of Redis that, once armed with a marker, forwards the next chunk holding it and
 * then cuts both connections before Redis's reply gets back: the command ran, the client never hears.
 */
export class ReplyCuttingProxy {
  port = 0;
  private marker?: string;
  private server?: Server;
  private readonly sockets = new Set<Socket>();

  constructor(private readonly targetPort: number) {}

  async start(): Promise<void> {
    this.port = await freePort();
    this.server = createServer((client) => this.relay(client));
    await new Promise<void>((resolve) => this.server?.listen(this.port, '127.0.0.1', resolve));
  }

  /** Cut the reply of the next command whose bytes contain `marker`. */
  cutNext(marker: string): void {
    this.marker = marker;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise((resolve) => this.server?.close(resolve));
  }

  private relay(client: Socket): void {
    const upstream = connect(this.targetPort, '127.0.0.1');
    this.sockets.add(client).add(upstream);
    let muted = false;
    upstream.on('data', (chunk) => {
      if (!muted) client.write(chunk);
    });
    client.on('data', (chunk: Buffer) => {
      upstream.write(chunk);
      if (this.marker && chunk.toString('latin1').includes(this.marker)) {
        this.marker = undefined;
        muted = true;
        setTimeout(() => {
          client.destroy();
          upstream.destroy();
        }, 200);
      }
    });
    for (const [from, to] of [
      [client, upstream],
      [upstream, client],
    ]) {
      from.on('error', () => to.destroy());
      from.on('close', () => to.destroy());
    }
  }
}
