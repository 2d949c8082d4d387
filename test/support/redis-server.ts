import { ChildProcess, execFile, spawn, spawnSync } from 'node:child_process';
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
  /** Freezes the process (SIGSTOP) or lets it go on (SIGCONT): a node that hangs without a goodbye. */
  freeze(frozen: boolean): void;
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
    freeze: (frozen) => {
      child.kill(frozen ? 'SIGSTOP' : 'SIGCONT');
    },
  };
}

export interface RedisClusterHandle {
  /** `host:port,...` as REDIS_CLUSTER_NODES takes it. */
  nodes: string;
  stop(): Promise<void>;
}

/** Whether `redis-server` and `redis-cli` can be run here (the cluster suites need both). */
export function redisServerAvailable(): boolean {
  return ['redis-server', 'redis-cli'].every(
    (command) => spawnSync(command, ['--version'], { stdio: 'ignore' }).status === 0,
  );
}

interface ClusterHandle extends RedisClusterHandle {
  /** The port of the master that serves `key`'s slot now. */
  masterOf(key: string): Promise<number>;
}

export interface ShardedClusterHandle extends ClusterHandle {
  /**
   * Gives `key`'s slot (which must hold no keys) to another master, behind every client's back:
   * clients that knew the old owner get MOVED until they refresh their slot map.
   */
  moveSlot(key: string): Promise<void>;
}

/** Three throwaway masters joined into a Redis Cluster (slots spread over all three). */
export async function startRedisCluster(): Promise<ShardedClusterHandle> {
  const { servers, addresses } = await createCluster(3, 0);
  const ports = servers.map((server) => server.port);
  return {
    nodes: addresses.join(','),
    stop: async () => {
      await Promise.all(servers.map((server) => server.stop()));
    },
    masterOf: (key) => masterOf(ports[0], key),
    moveSlot: async (key) => {
      const slot = (await cli(ports[0], 'cluster', 'keyslot', key)).trim();
      const view = await clusterNodes(ports[0]);
      const owner = await masterOf(ports[0], key);
      const target = view.find((node) => node.master && node.port !== owner);
      if (!target) throw new Error('no other master to move the slot to');
      const source = view.find((node) => node.port === owner);
      // A resharding of an empty slot: importing, migrating, then the new owner first.
      await cli(target.port, 'cluster', 'setslot', slot, 'importing', String(source?.id));
      await cli(owner, 'cluster', 'setslot', slot, 'migrating', target.id);
      const order = [target.port, owner, ...ports.filter((p) => p !== owner && p !== target.port)];
      for (const port of order) await cli(port, 'cluster', 'setslot', slot, 'node', target.id);
      await waitFor('every node agreeing on the moved slot', async () => {
        const owners = await Promise.all(ports.map((port) => masterOf(port, key)));
        return owners.every((port) => port === target.port);
      });
    },
  };
}

/** How a replica came to serve a lost master's slots. */
export interface Takeover {
  /** The port of the promoted replica. */
  port: number;
  /** `automatic`: the cluster elected it; `forced`: CLUSTER FAILOVER FORCE after `forceAfterMs`. */
  how: 'automatic' | 'forced';
  /** From the call until every live node agrees on the new master and says cluster_state:ok. */
  ms: number;
}

export interface ReplicatedClusterHandle extends ClusterHandle {
  /** Kills a node (SIGKILL: no goodbye to clients or to the cluster), as a crash would. */
  kill(port: number): Promise<void>;
  /**
   * Waits until a replica of the killed master `port` has taken over its slots, forcing its
   * election with CLUSTER FAILOVER FORCE if the cluster has not elected it after `forceAfterMs`.
   */
  awaitTakeover(port: number, options?: { forceAfterMs?: number }): Promise<Takeover>;
  /** Starts a killed node again: it rejoins (from its nodes.conf) as a replica of its successor. */
  revive(port: number): Promise<void>;
  /** The port of master `port`'s replica. */
  replicaOf(port: number): Promise<number>;
  /** Freezes or thaws a node (see RedisServerHandle.freeze). */
  freeze(port: number, frozen: boolean): void;
  /** How many times node `port` has run `command` (INFO commandstats). */
  calls(port: number, command: string): Promise<number>;
}

/**
 * Three masters with one replica each (`cluster-node-timeout 1000`, replicas synced before this
 * resolves), for failover tests: a killed master's replica is elected within a few seconds.
 */
export async function startReplicatedCluster(): Promise<ReplicatedClusterHandle> {
  const { servers, addresses } = await createCluster(3, 1);
  await waitFor('every replica in sync with its master', () => replicasInSync(servers));
  // CLUSTER SLOTS (what clients see) lists a replica only once it has replicated something: 32 keys
  // reach all three masters (but for a chance in 100 000).
  const [first] = servers;
  for (let i = 0; i < 32; i++) {
    await run('redis-cli', ['-c', '-p', String(first.port), 'set', `warm-${i}`, '1']);
  }
  await waitFor('every replica listed in CLUSTER SLOTS', async () => {
    const slots = await cli(first.port, 'cluster', 'slots');
    return slots.split('\n').filter((line) => /^[0-9a-f]{40}$/.test(line.trim())).length === 6;
  });
  const byPort = new Map(servers.map((server) => [server.port, server]));
  const server = (port: number): RedisServerHandle => {
    const found = byPort.get(port);
    if (!found) throw new Error(`no node of this cluster listens on ${port}`);
    return found;
  };
  const live = new Set(byPort.keys());
  return {
    nodes: addresses.join(','),
    stop: async () => {
      await Promise.all(servers.map((node) => node.stop()));
    },
    masterOf: (key) => masterOf([...live][0], key),
    kill: async (port) => {
      live.delete(port);
      await server(port).stop();
    },
    awaitTakeover: async (port, { forceAfterMs = 5_000 } = {}) => {
      const started = Date.now();
      const replica = await replicaOf(port, [...live]);
      let how: Takeover['how'] = 'automatic';
      await waitFor('a replica serving the lost slots', async () => {
        const states = await Promise.all([...live].map((node) => takeoverSeen(node, port)));
        if (states.every(Boolean)) return true;
        if (how === 'automatic' && Date.now() - started > forceAfterMs) {
          how = 'forced';
          await cli(replica.port, 'cluster', 'failover', 'force').catch(() => undefined);
        }
        return false;
      });
      return { port: replica.port, how, ms: Date.now() - started };
    },
    revive: async (port) => {
      await server(port).restart();
      live.add(port);
      await waitFor('the revived node in the cluster', async () =>
        (await cli(port, 'cluster', 'info')).includes('cluster_state:ok'),
      );
    },
    replicaOf: async (port) => (await replicaOf(port, [...live])).port,
    freeze: (port, frozen) => server(port).freeze(frozen),
    calls: async (port, command) => {
      const stats = await cli(port, 'info', 'commandstats');
      return Number(new RegExp(`cmdstat_${command}:calls=(\\d+)`).exec(stats)?.[1] ?? 0);
    },
  };
}

/** `masters` masters with `replicasEach` replicas each, on fresh throwaway servers. */
async function createCluster(
  masters: number,
  replicasEach: number,
): Promise<{ servers: RedisServerHandle[]; addresses: string[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'redis-cluster-'));
  const servers = await Promise.all(
    Array.from({ length: masters * (1 + replicasEach) }, (_, i) =>
      startRedisServer([
        '--cluster-enabled',
        'yes',
        '--cluster-config-file',
        join(dir, `nodes-${i}.conf`),
        '--cluster-node-timeout',
        '1000',
        // A failed master stops its own slots only, as in the sample deployment.
        '--cluster-require-full-coverage',
        'no',
        // A replica's first sync starts at once (the default waits 5 s for more replicas).
        '--repl-diskless-sync-delay',
        '0',
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
    String(replicasEach),
    '--cluster-yes',
  ]);
  const ports = servers.map((server) => server.port);
  await waitFor('cluster_state:ok on every node', async () => {
    const states = await Promise.all(ports.map((port) => cli(port, 'cluster', 'info')));
    return states.every((state) => state.includes('cluster_state:ok'));
  });
  // Every node must know every other's role before a failover can be voted on.
  await waitFor('every node knowing the whole topology', async () => {
    const views = await Promise.all(ports.map((port) => clusterNodes(port)));
    return views.every(
      (view) =>
        view.filter((node) => node.master).length === masters &&
        view.filter((node) => !node.master && node.masterId).length === masters * replicasEach,
    );
  });
  return { servers, addresses };
}

interface NodeView {
  id: string;
  port: number;
  master: boolean;
  failed: boolean;
  /** A replica's master. */
  masterId?: string;
  slots: Array<[number, number]>;
}

/** CLUSTER NODES as seen from `port`. */
async function clusterNodes(port: number): Promise<NodeView[]> {
  const text = await cli(port, 'cluster', 'nodes');
  return text
    .trim()
    .split('\n')
    .map((line) => {
      const [id, address, flags, masterId, , , , , ...slots] = line.trim().split(' ');
      const flagList = flags.split(',');
      return {
        id,
        port: Number(/:(\d+)@/.exec(address)?.[1]),
        master: flagList.includes('master'),
        failed: flagList.includes('fail') || flagList.includes('fail?'),
        masterId: masterId === '-' ? undefined : masterId,
        slots: slots
          .filter((range) => !range.startsWith('['))
          .map((range) => {
            const [from, to = from] = range.split('-').map(Number);
            return [from, to] as [number, number];
          }),
      };
    });
}

/** The port of the master serving `key`'s slot, as the node on `observer` sees it. */
async function masterOf(observer: number, key: string): Promise<number> {
  const slot = Number(await cli(observer, 'cluster', 'keyslot', key));
  const owner = (await clusterNodes(observer)).find(
    (node) => node.master && node.slots.some(([from, to]) => slot >= from && slot <= to),
  );
  if (!owner) throw new Error(`no master serves slot ${slot}`);
  return owner.port;
}

/** The replica of master `port`, as a live node sees it. */
async function replicaOf(port: number, live: number[]): Promise<NodeView> {
  const view = await clusterNodes(live[0]);
  const master = view.find((node) => node.port === port);
  const replica = view.find((node) => node.masterId === master?.id && !node.failed);
  if (!replica) throw new Error(`the master on ${port} has no live replica`);
  return replica;
}

/** True when `observer` says cluster_state:ok and a live master other than `lost` holds its slots. */
async function takeoverSeen(observer: number, lost: number): Promise<boolean> {
  const [info, view] = await Promise.all([
    cli(observer, 'cluster', 'info'),
    clusterNodes(observer),
  ]);
  const holders = view.filter((node) => node.master && node.slots.length > 0);
  return (
    info.includes('cluster_state:ok') &&
    holders.length === 3 &&
    holders.every((node) => node.port !== lost && !node.failed)
  );
}

async function replicasInSync(servers: RedisServerHandle[]): Promise<boolean> {
  const replication = await Promise.all(
    servers.map((server) => cli(server.port, 'info', 'replication')),
  );
  return replication.every(
    (info) => info.includes('role:master') || info.includes('master_link_status:up'),
  );
}

function cli(port: number, ...args: string[]): Promise<string> {
  return run('redis-cli', ['-p', String(port), ...args]);
}

async function waitFor(what: string, condition: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (await condition().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
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
  // A killed child has a signal and no exit code.
  if (child.exitCode !== null || child.signalCode !== null) return;
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
