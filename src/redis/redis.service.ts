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
}

/**
 * One read that can ride in another store's round trip: the command and how to parse its reply. A store
 * hands these out so a caller can combine reads of two stores without knowing either's keys.
 */
export interface StoreRead<T> {
  readonly command: StoreCommand;
  parse(reply: unknown): T;
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

  /** One typed read in its own round trip. */
  async read<T>(read: StoreRead<T>): Promise<T> {
    const [reply] = await this.batch([read.command]);
    return read.parse(reply);
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
