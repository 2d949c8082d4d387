import { Logger, OnApplicationShutdown } from '@nestjs/common';
import type { Counter } from 'prom-client';
import { RedisService, StoreCommand, StoreScript, StoreValue } from './redis.service.js';
import { EMBEDDED_STORE_BOUNDS, MemoryKeyspace } from './memory-keyspace.js';

/**
 * The embedded store used when no Redis is configured: one process only, nothing persisted, memory
 * bounded by evicting the least recently used keys (EMBEDDED_STORE_BOUNDS; warned once in the log).
 * Commands of a batch run back to back without awaiting, so batches, transactions and scripts are atomic
 * here exactly as MULTI and Lua are in Redis, and eviction never splits one.
 */
export class MemoryStoreService extends RedisService implements OnApplicationShutdown {
  readonly kind = 'embedded' as const;
  private evicting = false;
  private readonly keyspace = new MemoryKeyspace(EMBEDDED_STORE_BOUNDS, () => this.warnEvicting());

  /** `roundTrips` counts each batch, transaction and script call, as on Redis (redis_round_trips_total). */
  constructor(private readonly roundTrips?: Counter) {
    super();
  }

  async batch(commands: StoreCommand[]): Promise<unknown[]> {
    this.roundTrips?.inc();
    return this.runAll(commands);
  }

  async transaction(commands: StoreCommand[]): Promise<unknown[]> {
    this.roundTrips?.inc();
    return this.runAll(commands);
  }

  async runScript(script: StoreScript, keys: string[], args: StoreValue[]): Promise<unknown> {
    this.roundTrips?.inc();
    return this.keyspace.atomically(() =>
      script.runLocally(
        (name, ...commandArgs) => this.keyspace.call(name, ...commandArgs),
        keys,
        args.map(String),
      ),
    );
  }

  async ping(): Promise<void> {}

  onApplicationShutdown(): void {
    this.keyspace.close();
  }

  private runAll(commands: StoreCommand[]): unknown[] {
    return this.keyspace.atomically(() =>
      commands.map(([name, ...args]) => this.keyspace.call(name, ...args)),
    );
  }

  private warnEvicting(): void {
    if (this.evicting) return;
    this.evicting = true;
    const { maxKeys, maxBytes } = EMBEDDED_STORE_BOUNDS;
    new Logger('Redis').warn(
      `The embedded store is full (${maxKeys} keys or about ${maxBytes / 2 ** 20} MiB): evicting the ` +
        'least recently used conversations and cache entries; set REDIS_URL to keep them.',
    );
  }
}
