import { ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, Socket } from 'node:net';

export interface RedisServerHandle {
  port: number;
  url: string;
  stop(): Promise<void>;
  /** Starts it again on the same port (after stop), for outage tests. */
  restart(): Promise<void>;
}

/** A throwaway `redis-server` on a free port, nothing saved to disk. */
export async function startRedisServer(extraArgs: string[] = []): Promise<RedisServerHandle> {
  const port = await freePort();
  let child = await launch(port, extraArgs);
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    stop: async () => stopChild(child),
    restart: async () => {
      child = await launch(port, extraArgs);
    },
  };
}

export interface RedisClusterHandle {
  /** `host:port,...` as REDIS_CLUSTER_NODES takes it. */
  nodes: string;
  stop(): Promise<void>;
}

/** Three throwaway masters joined into a Redis Cluster (slots spread over all three). */
export async function startRedisCluster(): Promise<RedisClusterHandle> {
  const dir = mkdtempSync(join(tmpdir(), 'redis-cluster-'));
  const servers = await Promise.all(
    [0, 1, 2].map((i) =>
      startRedisServer([
        '--cluster-enabled',
        'yes',
        '--cluster-config-file',
        join(dir, `nodes-${i}.conf`),
        '--dir',
        dir,
      ]),
    ),
  );
  const addresses = servers.map((server) => `127.0.0.1:${server.port}`);
  await run('redis-cli', [
    '--cluster',
    'create',
    ...addresses,
    '--cluster-replicas',
    '0',
    '--cluster-yes',
  ]);
  await waitForClusterOk(servers.map((server) => server.port));
  return {
    nodes: addresses.join(','),
    stop: async () => {
      await Promise.all(servers.map((server) => server.stop()));
    },
  };
}

async function waitForClusterOk(ports: number[]): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const states = await Promise.all(
      ports.map((port) => run('redis-cli', ['-p', String(port), 'cluster', 'info'])),
    );
    if (states.every((state) => state.includes('cluster_state:ok'))) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('the Redis Cluster never reached cluster_state:ok');
}

function run(command: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { timeout: 15_000 }, (error, stdout) =>
      error ? reject(new Error(error.message, { cause: error })) : resolve(stdout),
    );
  });
}

async function launch(port: number, extraArgs: string[]): Promise<ChildProcess> {
  const child = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      ...extraArgs,
    ],
    { stdio: 'ignore' },
  );
  await waitForPort(port, child);
  return child;
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}`);
    if (await answersPing(port)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`redis-server did not start on port ${port}`);
}

function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    socket.setTimeout(500);
    socket.once('data', (data) => {
      socket.destroy();
      resolve(data.toString().startsWith('+PONG'));
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.connect(port, '127.0.0.1', () => socket.write('PING\r\n'));
  });
}

/**
 * Jest global setup (it lives here because jest loads it without our `.js` → `.ts` mapping): one
 * redis-server for the whole run unless REDIS_URL is given. Workers inherit TEST_REDIS_URL; tests use
 * their own principals, so they never need to flush it.
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.REDIS_URL) {
    process.env.TEST_REDIS_URL = process.env.REDIS_URL;
    return;
  }
  const server = await startRedisServer();
  process.env.TEST_REDIS_URL = server.url;
  (globalThis as { testRedis?: RedisServerHandle }).testRedis = server;
}
