import { Logger, OnApplicationShutdown } from '@nestjs/common';
import { Cluster, Redis, RedisOptions } from 'ioredis';
import type { Counter } from 'prom-client';
import { StoreUnavailableError } from '../common/errors.js';
import { RedisConfig } from '../config/app-config.js';
import { RedisService, StoreCommand, StoreScript, StoreValue } from './redis.service.js';

/**
 * Fail fast during an outage instead of queueing: one retry per command, a command timeout, and no
 * offline queue, while the client keeps reconnecting in the background.
 */
const CLIENT_OPTIONS: RedisOptions = {
  lazyConnect: true,
  enableOfflineQueue: false,
  maxRetriesPerRequest: 1,
  commandTimeout: 2000,
  connectTimeout: 2000,
  retryStrategy: (attempt) => Math.min(attempt * 100, 2000),
  // A command whose reply was lost with its connection may have run: sending it again on reconnect
  // could run a write twice (a turn appended twice). It fails instead, as an outcome unknown.
  autoResendUnfulfilledCommands: false,
  // After a failover the old master answers READONLY: reconnect (and resend) to find the new one.
  reconnectOnError: (error) => (/^(READONLY|LOADING|MASTERDOWN)/.test(error.message) ? 2 : false),
};

type Client = Redis | Cluster;

export class IoRedisService extends RedisService implements OnApplicationShutdown {
  readonly kind: 'redis' | 'cluster';
  private readonly logger = new Logger('Redis');
  private readonly client: Client;
  private readonly definedScripts = new Set<string>();

  /** `roundTrips` counts each batch, transaction and script call (redis_round_trips_total). */
  constructor(
    config: RedisConfig,
    private readonly roundTrips?: Counter,
  ) {
    super();
    this.kind = config.clusterNodes ? 'cluster' : 'redis';
    this.client = config.clusterNodes
      ? new Cluster(config.clusterNodes, {
          lazyConnect: true,
          enableOfflineQueue: false,
          redisOptions: CLIENT_OPTIONS,
          clusterRetryStrategy: CLIENT_OPTIONS.retryStrategy,
        })
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
    return this.exec(this.client.pipeline(commands));
  }

  async transaction(commands: StoreCommand[]): Promise<unknown[]> {
    this.roundTrips?.inc();
    return this.exec(this.client.multi(commands as string[][]));
  }

  async runScript(script: StoreScript, keys: string[], args: StoreValue[]): Promise<unknown> {
    // ioredis fixes a command's number of keys when it is defined: one command per key count.
    const name = `${script.name}_${keys.length}`;
    if (!this.definedScripts.has(name)) {
      this.client.defineCommand(name, { lua: script.lua, numberOfKeys: keys.length });
      this.definedScripts.add(name);
    }
    const command = (
      this.client as unknown as Record<string, (...a: StoreValue[]) => Promise<unknown>>
    )[name];
    this.roundTrips?.inc();
    return this.guard(() => command.call(this.client, ...keys, ...args));
  }

  async ping(): Promise<void> {
    await this.guard(() => this.client.ping());
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client.quit().catch(() => this.client.disconnect());
  }

  private async exec(chain: {
    exec(): Promise<[Error | null, unknown][] | null>;
  }): Promise<unknown[]> {
    const replies = await this.guard(() => chain.exec());
    if (!replies) throw new StoreUnavailableError('transaction aborted');
    return replies.map(([error, value]) => {
      if (error) throw storeError(error);
      return value;
    });
  }

  /**
   * Connection failures and replies that mean "not available now" (a failover, a restart, memory) become
   * 503; any other command error is a bug of ours and stays a 500.
   */
  private async guard<T>(operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      throw storeError(error);
    }
  }
}

/** Reply errors that say the store cannot serve right now, rather than that the command was wrong. */
const UNAVAILABLE_REPLY =
  /^(READONLY|LOADING|MASTERDOWN|CLUSTERDOWN|TRYAGAIN|OOM|NOREPLICAS|MISCONF|BUSY)\b/;

function storeError(error: unknown): Error {
  const isReply = error instanceof Error && error.name === 'ReplyError';
  if (isReply && !UNAVAILABLE_REPLY.test(causeMessage(error))) return error;
  // Without a connection (no offline queue) the command was never sent; after a timeout it may have been.
  const neverSent = error instanceof Error && NOT_SENT.test(error.message);
  return new StoreUnavailableError(error, neverSent ? 'no' : 'maybe');
}

/** ioredis's refusal to send a command while disconnected (enableOfflineQueue: false). */
const NOT_SENT = /enableOfflineQueue options is false/;

/** EXECABORT wraps the reply that aborted the transaction. */
function causeMessage(error: Error): string {
  const previous = (error as Error & { previousErrors?: Error[] }).previousErrors?.[0];
  return previous?.message ?? error.message;
}
