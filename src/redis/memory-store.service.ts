import { OnApplicationShutdown } from '@nestjs/common';
import { RedisService, StoreCommand, StoreScript, StoreValue } from './redis.service.js';
import { MemoryKeyspace } from './memory-keyspace.js';

/**
 * The embedded store used when no Redis is configured: one process only, nothing persisted.
 * Commands of a batch run back to back without awaiting, so batches, transactions and scripts are atomic
 * here exactly as MULTI and Lua are in Redis.
 */
export class MemoryStoreService extends RedisService implements OnApplicationShutdown {
  readonly kind = 'embedded' as const;
  private readonly keyspace = new MemoryKeyspace();

  async batch(commands: StoreCommand[]): Promise<unknown[]> {
    return commands.map(([name, ...args]) => this.keyspace.call(name, ...args));
  }

  async transaction(commands: StoreCommand[]): Promise<unknown[]> {
    return this.batch(commands);
  }

  async runScript(script: StoreScript, keys: string[], args: StoreValue[]): Promise<unknown> {
    return script.runLocally(
      (name, ...commandArgs) => this.keyspace.call(name, ...commandArgs),
      keys,
      args.map(String),
    );
  }

  async ping(): Promise<void> {}

  onApplicationShutdown(): void {
    this.keyspace.close();
  }
}
