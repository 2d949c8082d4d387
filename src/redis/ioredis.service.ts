import { Logger, OnApplicationShutdown } from '@nestjs/common';
import { Cluster, ClusterOptions, Command, Redis, RedisOptions } from 'ioredis';
import type { Counter } from 'prom-client';
import { StoreUnavailableError } from '../common/errors.js';
import { RedisConfig } from '../config/app-config.js';
import { RedisService, StoreCommand, StoreScript, StoreValue } from './redis.service.js';

const COMMAND_TIMEOUT_MS = 2000;
/**
 * Whatever the client is doing (retrying a redirection, waiting for a cluster that never became ready),
 * a store call that has not settled by then fails as unavailable: a request never hangs on the store.
 */
const DEADLINE_MS = COMMAND_TIMEOUT_MS + 1000;

/** How long a replicated write waits for a replica's acknowledgment (WAIT 1 <ms>). */
const REPLICA_ACK_TIMEOUT_MS = 250;
/** After a write no replica acknowledged in time, that master's writes do not wait for this long. */
const UNREPLICATED_BACKOFF_MS = 5000;

/**
 * Fail fast during an outage instead of queueing: one retry per command, a command timeout, and no
 * offline queue, while the client keeps reconnecting in the background.
 */
const CLIENT_OPTIONS: RedisOptions = {
  lazyConnect: true,
  enableOfflineQueue: false,
  maxRetriesPerRequest: 1,
  commandTimeout: COMMAND_TIMEOUT_MS,
  connectTimeout: 2000,
  retryStrategy: reconnectDelay,
  // A command whose reply was lost with its connection may have run: sending it again on reconnect
  // could run a write twice (a turn appended twice). It fails instead, as an outcome unknown.
  autoResendUnfulfilledCommands: false,
  // After a failover the old master answers READONLY: reconnect (and resend) to find the new one.
  reconnectOnError: (error) => (/^(READONLY|LOADING|MASTERDOWN)/.test(error.message) ? 2 : false),
};

/**
 * Redis Cluster. Replies that prove a command did not run are followed: MOVED and ASK at once (with a
 * refresh of the slot map), CLUSTERDOWN and TRYAGAIN (a failover or a resharding under way) every
 * 100 ms, at most 16 redirections in all (about 2 s); a request to a lost master's slots gets 503 at
 * once, and the client follows the promoted replica without a restart. A command whose connection closed under it
 * is never sent again (`retryDelayOnFailover: 0`): it may have run, and running it twice could store a
 * turn twice, so it fails as an outcome unknown. Connections to cluster nodes are not re-established
 * by ioredis; the slot map (refreshed on MOVED and every 2 s) says where to connect.
 *
 * The offline queue stays on here, unlike on a single node: with it off, ioredis refuses a batch's
 * first command when the node it picked is still connecting but lets the next ones through to another
 * node without ever writing them, which shifts every later reply on that healthy connection onto the
 * wrong command (seen in a failover: one principal's reads answered with another's MOVED). Commands
 * wait in a node's queue only while that node connects (at most connectTimeout); while the cluster as a
 * whole is not ready nothing is sent (`guard` refuses at once).
 */
const CLUSTER_OPTIONS: ClusterOptions = {
  lazyConnect: true,
  enableOfflineQueue: true,
  redisOptions: {
    maxRetriesPerRequest: CLIENT_OPTIONS.maxRetriesPerRequest,
    commandTimeout: CLIENT_OPTIONS.commandTimeout,
    connectTimeout: CLIENT_OPTIONS.connectTimeout,
    autoResendUnfulfilledCommands: CLIENT_OPTIONS.autoResendUnfulfilledCommands,
    reconnectOnError: CLIENT_OPTIONS.reconnectOnError,
  },
  clusterRetryStrategy: reconnectDelay,
  retryDelayOnFailover: 0,
  retryDelayOnClusterDown: 100,
  retryDelayOnTryAgain: 100,
  retryDelayOnMoved: 0,
  maxRedirections: 16,
  slotsRefreshTimeout: 1000,
  slotsRefreshInterval: 2000,
};

function reconnectDelay(attempt: number): number {
  return Math.min(attempt * 100, 2000);
}

type Client = Redis | Cluster;

interface ReplicaWait {
  current: Promise<void>;
  next?: Promise<void>;
}
type ScriptCommand = (...args: StoreValue[]) => Promise<unknown>;

export class IoRedisService extends RedisService implements OnApplicationShutdown {
  readonly kind: 'redis' | 'cluster';
  private readonly logger = new Logger('Redis');
  private readonly client: Client;
  private readonly definedScripts = new Set<string>();
  /** Masters (host:port) whose last replicated write no replica acknowledged, until when. */
  private readonly unreplicatedUntil = new Map<string, number>();
  /** Per master, the WAIT in flight and the one queued behind it. */
  private readonly replicaWaits = new Map<string, ReplicaWait>();

  /** `roundTrips` counts each batch, transaction and script call (redis_round_trips_total). */
  constructor(
    config: RedisConfig,
    private readonly roundTrips?: Counter,
  ) {
    super();
    this.kind = config.clusterNodes ? 'cluster' : 'redis';
    this.client = config.clusterNodes
      ? new Cluster(config.clusterNodes, CLUSTER_OPTIONS)
      : new Redis(config.url as string, CLIENT_OPTIONS);
    this.client.on('error', (error: Error) => this.logger.warn(`Redis: ${error.message}`));
    this.client.on('ready', () => this.logger.log(`Redis ${this.kind} ready`));
  }

  /** Connects without blocking start-up for long: the service starts (not ready) if Redis is down. */
  async connect(): Promise<void> {
    try {
      await this.client.connect();
    } catch (error) {
      this.logger.error(
        `Redis is unreachable at start-up, retrying in the background: ${String(error)}`,
      );
    }
  }

  async batch(commands: StoreCommand[]): Promise<unknown[]> {
    this.roundTrips?.inc();
    return this.guard(() => this.exec(this.client.pipeline(commands)));
  }

  async transaction(commands: StoreCommand[]): Promise<unknown[]> {
    this.roundTrips?.inc();
    return this.guard(() => this.exec(this.client.multi(commands as string[][])));
  }

  /**
   * Runs a script. A script with `waitForReplica`, on a cluster whose master for `keys[0]` has a
   * replica, resolves only once a replica has the write too (see `replicaAck`).
   */
  async runScript(script: StoreScript, keys: string[], args: StoreValue[]): Promise<unknown> {
    const name = this.define(script, keys.length);
    this.roundTrips?.inc();
    return this.guard(async () => {
      const value = await this.call(name, keys, args);
      if (script.waitForReplica) {
        // It ran; a WAIT without a reply (the master died meanwhile) leaves its fate unknown.
        await this.replicaAck(keys[0]).catch((error: unknown) => {
          throw new StoreUnavailableError(error, 'maybe');
        });
      }
      return value;
    });
  }

  /**
   * Readiness. On a cluster, any master answering will do: a failing-over shard makes its own
   * principals' requests 503 for a few seconds, and taking every instance out of rotation for it (they
   * all see the same cluster) would turn that into a full outage.
   */
  async ping(): Promise<void> {
    const client = this.client;
    await this.guard(() =>
      client instanceof Cluster
        ? Promise.any(client.nodes('master').map((node) => node.ping()))
        : client.ping(),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client.quit().catch(() => this.client.disconnect());
  }

  /** ioredis fixes a command's number of keys when it is defined: one command per key count. */
  private define(script: StoreScript, keyCount: number): string {
    const name = `${script.name}_${keyCount}`;
    if (!this.definedScripts.has(name)) {
      this.client.defineCommand(name, { lua: script.lua, numberOfKeys: keyCount });
      this.definedScripts.add(name);
    }
    return name;
  }

  private call(name: string, keys: string[], args: StoreValue[]): Promise<unknown> {
    const command = (this.client as unknown as Record<string, ScriptCommand>)[name];
    return command.call(this.client, ...keys, ...args);
  }

  /**
   * `WAIT 1` on the connection that wrote to `key`'s master, sent after the write's reply (so the write
   * was where ioredis's redirections finally took it). WAIT holds that connection — every read and
   * write of that shard behind it — until a replica acknowledges, so there is one in flight per master
   * at a time: writes that land meanwhile share the next one (a group commit). If no replica
   * acknowledges within REPLICA_ACK_TIMEOUT_MS the writes stand on the master's word alone, and that
   * master's writes stop waiting for UNREPLICATED_BACKOFF_MS: a dead replica stalls its shard for at
   * most that one timeout every UNREPLICATED_BACKOFF_MS.
   */
  private replicaAck(key: string): Promise<void> {
    const master = this.replicatedMaster(key);
    if (!master) return Promise.resolve();
    const round = this.replicaWaits.get(master);
    if (!round) return this.sendWait(master);
    const next = (): Promise<void> => this.sendWait(master);
    round.next ??= round.current.then(next, next);
    return round.next;
  }

  private sendWait(master: string): Promise<void> {
    if (this.unreplicated(master)) return Promise.resolve();
    const node = this.masterNode(master);
    // The connection that made the write is gone (its master failed meanwhile): nothing says a replica
    // has the write, and the master may have died before sending it on.
    if (!node)
      return Promise.reject(
        new StoreUnavailableError('the master that ran the write is gone', 'maybe'),
      );
    const current = node
      .call('wait', 1, REPLICA_ACK_TIMEOUT_MS)
      .then((acks) => this.noteAcks(master, acks));
    const round: ReplicaWait = { current };
    this.replicaWaits.set(master, round);
    const settled = (): void => {
      if (this.replicaWaits.get(master) === round) this.replicaWaits.delete(master);
    };
    current.then(settled, settled);
    return current;
  }

  /** The master (host:port) serving `key` if it has a replica whose acknowledgment is worth waiting for. */
  private replicatedMaster(key: string): string | undefined {
    if (!(this.client instanceof Cluster)) return undefined;
    const [master, ...replicas] = this.client.slots[slotOf(key)] ?? [];
    // After a MOVED, ioredis puts the new master first and keeps the old list (the new master was in
    // it as the replica) until the next refresh of the slot map.
    if (!master || !replicas.some((replica) => replica !== master)) return undefined;
    return this.unreplicated(master) ? undefined : master;
  }

  private unreplicated(master: string): boolean {
    return (this.unreplicatedUntil.get(master) ?? 0) > Date.now();
  }

  private masterNode(master: string): Redis | undefined {
    if (!(this.client instanceof Cluster)) return undefined;
    return this.client
      .nodes('master')
      .find(({ options }) => `${options.host}:${options.port}` === master);
  }

  private noteAcks(master: string, acks: unknown): void {
    if (typeof acks === 'number' && acks >= 1) {
      this.unreplicatedUntil.delete(master);
      return;
    }
    const now = Date.now();
    const warned = (this.unreplicatedUntil.get(master) ?? 0) > now;
    this.unreplicatedUntil.set(master, now + UNREPLICATED_BACKOFF_MS);
    if (warned) return;
    this.logger.warn(
      `Redis: no replica of ${master} acknowledged a write within ${REPLICA_ACK_TIMEOUT_MS} ms; ` +
        `its writes are acknowledged on the master alone for the next ${UNREPLICATED_BACKOFF_MS} ms`,
    );
  }

  private async exec(chain: {
    exec(): Promise<[Error | null, unknown][] | null>;
  }): Promise<unknown[]> {
    const replies = await chain.exec();
    if (!replies) throw new StoreUnavailableError('transaction aborted');
    return replies.map(([error, value]) => {
      if (!error) return value;
      // ioredis follows a batch's redirections only when every command got the same one; else the
      // slot map is stale and refreshed here, for the next request.
      if (
        this.client instanceof Cluster &&
        isReply(error) &&
        /^(MOVED|ASK)\b/.test(error.message)
      ) {
        this.client.refreshSlotsCache();
      }
      throw storeError(error);
    });
  }

  /**
   * Connection failures and replies that mean "not available now" (a failover, a restart, memory) become
   * 503; any other command error is a bug of ours and stays a 500. Nothing waits past DEADLINE_MS.
   */
  private async guard<T>(operation: () => Promise<T>): Promise<T> {
    if (this.client instanceof Cluster && this.client.status !== 'ready') {
      throw new StoreUnavailableError(`the Redis Cluster client is ${this.client.status}`, 'no');
    }
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(
        () => reject(new StoreUnavailableError('no reply within the deadline')),
        DEADLINE_MS,
      );
    });
    try {
      return await Promise.race([operation(), deadline]);
    } catch (error) {
      throw storeError(error);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** The cluster slot of a key (its hash tag's, when it has one). */
function slotOf(key: string): number {
  return new Command('exists', [key]).getSlot();
}

/**
 * Reply errors that say the store cannot serve right now, rather than that the command was wrong: a
 * failover or resharding (the cluster redirections, when ioredis ran out of them or could not follow
 * them inside a batch), a replica, a restart, memory, persistence.
 */
const UNAVAILABLE_REPLY =
  /^(MOVED|ASK|READONLY|LOADING|MASTERDOWN|CLUSTERDOWN|TRYAGAIN|OOM|NOREPLICAS|MISCONF|BUSY)\b/;
/** Cluster replies given before a command runs: it certainly did not. */
const REDIRECTED = /^(MOVED|ASK|CLUSTERDOWN|TRYAGAIN)\b/;

function storeError(error: unknown): Error {
  if (error instanceof StoreUnavailableError) return error;
  if (isReply(error)) {
    const reply = causeMessage(error);
    if (!UNAVAILABLE_REPLY.test(reply)) return error;
    return new StoreUnavailableError(error, REDIRECTED.test(reply) ? 'no' : 'maybe');
  }
  // Without a connection (no offline queue) the command was never sent; after a timeout it may have been.
  const neverSent = error instanceof Error && NOT_SENT.test(error.message);
  return new StoreUnavailableError(error, neverSent ? 'no' : 'maybe');
}

function isReply(error: unknown): error is Error {
  return error instanceof Error && error.name === 'ReplyError';
}

/** ioredis's refusal to send a command while disconnected (enableOfflineQueue: false). */
const NOT_SENT = /enableOfflineQueue options is false/;

/** EXECABORT wraps the reply that aborted the transaction. */
function causeMessage(error: Error): string {
  const previous = (error as Error & { previousErrors?: Error[] }).previousErrors?.[0];
  return previous?.message ?? error.message;
}
