export type StoreValue = string | number;
export type StoreCommand = [command: string, ...args: StoreValue[]];

/** Synchronous command access inside the embedded store, used by a script's local twin. */
type LocalCall = (command: string, ...args: StoreValue[]) => unknown;

/**
 * An atomic server-side operation: Lua for Redis, and the same steps in TypeScript for the embedded store
 * (which runs them without interleaving, as Redis runs Lua). Both twins are covered by the same tests.
 */
export interface StoreScript {
  name: string;
  lua: string;
  runLocally(call: LocalCall, keys: string[], args: string[]): unknown;
  /**
   * Its effect must be on a replica before it counts as done: on a Redis Cluster whose master for
   * `keys[0]` has a replica, the call resolves only after `WAIT 1` (README, "Redis Cluster: failover and
   * durability").
   */
  waitForReplica?: true;
}

/**
 * Commands that can ride in another store's round trip, and how to read their replies. A store hands
 * these out so a caller can combine the work of several stores in one trip without knowing their keys.
 */
export interface StoreOp<T> {
  readonly commands: StoreCommand[];
  parse(replies: unknown[]): T;
}

/** Several stores' ops as one, its result keyed like the input. */
export function combineOps<T extends object>(ops: {
  [K in keyof T]: StoreOp<T[K]>;
}): StoreOp<T> {
  const entries = Object.entries(ops) as Array<[keyof T, StoreOp<unknown>]>;
  return {
    commands: entries.flatMap(([, op]) => op.commands),
    parse: (replies) => {
      let at = 0;
      const result = {} as T;
      for (const [name, op] of entries) {
        result[name] = op.parse(replies.slice(at, at + op.commands.length)) as T[keyof T];
        at += op.commands.length;
      }
      return result;
    },
  };
}

export interface SetOptions {
  ttlSeconds?: number;
  ttlMs?: number;
  onlyIfAbsent?: boolean;
}

/**
 * The one key-value store of the app: ioredis (single node or cluster) or the embedded in-memory store.
 * Replies follow ioredis: bulk strings as string, integers as number, HGETALL as an object.
 * A store that cannot be reached raises StoreUnavailableError (503); callers never see client errors.
 */
export abstract class RedisService {
  abstract readonly kind: 'redis' | 'cluster' | 'embedded';

  /** Runs the commands in one round trip, not atomically. */
  abstract batch(commands: StoreCommand[]): Promise<unknown[]>;

  /** Runs the commands in one round trip as one atomic unit (MULTI/EXEC). */
  abstract transaction(commands: StoreCommand[]): Promise<unknown[]>;

  abstract runScript(script: StoreScript, keys: string[], args: StoreValue[]): Promise<unknown>;

  abstract ping(): Promise<void>;

  /** One op in its own round trip. */
  async run<T>(op: StoreOp<T>): Promise<T> {
    return op.parse(await this.batch(op.commands));
  }

  /** Returns false when `onlyIfAbsent` was set and the key already existed. */
  async set(key: string, value: string, options: SetOptions = {}): Promise<boolean> {
    const [reply] = await this.batch([setCommand(key, value, options)]);
    return reply === 'OK';
  }
}

function setCommand(key: string, value: string, options: SetOptions = {}): StoreCommand {
  const command: StoreCommand = ['set', key, value];
  if (options.ttlSeconds !== undefined) command.push('EX', options.ttlSeconds);
  if (options.ttlMs !== undefined) command.push('PX', options.ttlMs);
  if (options.onlyIfAbsent) command.push('NX');
  return command;
}
