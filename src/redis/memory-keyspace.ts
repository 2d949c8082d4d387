import { StoreValue } from './redis.service.js';

type Entry =
  | { type: 'string'; value: string; expiresAt?: number }
  | { type: 'hash'; value: Map<string, string>; expiresAt?: number }
  | { type: 'list'; value: string[]; expiresAt?: number }
  | { type: 'zset'; value: Map<string, number>; expiresAt?: number };

type Command = (args: string[]) => unknown;

class ReplyError extends Error {
  override readonly name = 'ReplyError';
}

const SWEEP_INTERVAL_MS = 60_000;

/**
 * The subset of Redis commands the app uses, with Redis semantics (lazy and periodic expiry, WRONGTYPE,
 * score ordering) and ioredis reply shapes, so the embedded store behaves like Redis under the same tests.
 */
export class MemoryKeyspace {
  private readonly entries = new Map<string, Entry>();
  private readonly sweeper = setInterval(() => this.sweep(), SWEEP_INTERVAL_MS).unref();
  private readonly commands: Record<string, Command> = {
    ping: () => 'PONG',
    get: ([key]) => this.read(key, 'string')?.value ?? null,
    set: (args) => this.setString(args),
    del: (keys) => keys.filter((key) => this.live(key) && this.entries.delete(key)).length,
    exists: (keys) => keys.filter((key) => this.live(key)).length,
    expire: ([key, seconds]) => this.expireIn(key, Number(seconds) * 1000),
    pexpire: ([key, ms, ...options]) => this.expireIn(key, Number(ms), options),
    pttl: ([key]) => this.pttl(key),
    incr: ([key]) => this.incr(key),
    hset: ([key, ...pairs]) => this.hset(key, pairs, false),
    hsetnx: ([key, field, value]) => this.hset(key, [field, value], true),
    hget: ([key, field]) => this.read(key, 'hash')?.value.get(field) ?? null,
    hgetall: ([key]) => Object.fromEntries(this.read(key, 'hash')?.value ?? []),
    hlen: ([key]) => this.read(key, 'hash')?.value.size ?? 0,
    rpush: ([key, ...values]) => this.rpush(key, values),
    lrange: ([key, start, stop]) => this.lrange(key, Number(start), Number(stop)),
    ltrim: ([key, start, stop]) => this.ltrim(key, Number(start), Number(stop)),
    llen: ([key]) => this.read(key, 'list')?.value.length ?? 0,
    zadd: ([key, ...pairs]) => this.zadd(key, pairs),
    zrem: ([key, ...members]) => this.zrem(key, members),
    zcard: ([key]) => this.read(key, 'zset')?.value.size ?? 0,
    zrevrangebyscore: ([key, max, min, ...options]) =>
      this.zrevrangebyscore(key, max, min, options),
  };

  call(name: string, ...args: StoreValue[]): unknown {
    const command = this.commands[name.toLowerCase()];
    if (!command) throw new ReplyError(`ERR unknown command '${name}'`);
    return command(args.map(String));
  }

  close(): void {
    clearInterval(this.sweeper);
    this.entries.clear();
  }

  private live(key: string): Entry | undefined {
    const entry = this.entries.get(key);
    if (entry?.expiresAt !== undefined && entry.expiresAt <= Date.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  private read<T extends Entry['type']>(
    key: string,
    type: T,
  ): Extract<Entry, { type: T }> | undefined {
    const entry = this.live(key);
    if (entry && entry.type !== type) {
      throw new ReplyError('WRONGTYPE Operation against a key holding the wrong kind of value');
    }
    return entry as Extract<Entry, { type: T }> | undefined;
  }

  private readOrCreate<T extends Entry['type']>(
    key: string,
    type: T,
    create: () => Extract<Entry, { type: T }>['value'],
  ): Extract<Entry, { type: T }> {
    const existing = this.read(key, type);
    if (existing) return existing;
    const entry = { type, value: create() } as unknown as Extract<Entry, { type: T }>;
    this.entries.set(key, entry);
    return entry;
  }

  private setString([key, value, ...options]: string[]): 'OK' | null {
    const flags = options.map((option) => option.toUpperCase());
    if (flags.includes('NX') && this.live(key)) return null;
    if (flags.includes('XX') && !this.live(key)) return null;
    const entry: Entry = { type: 'string', value };
    const ex = flags.indexOf('EX');
    const px = flags.indexOf('PX');
    if (ex >= 0) entry.expiresAt = Date.now() + Number(options[ex + 1]) * 1000;
    if (px >= 0) entry.expiresAt = Date.now() + Number(options[px + 1]);
    this.entries.set(key, entry);
    return 'OK';
  }

  /** EXPIRE/PEXPIRE; the NX option sets a TTL only on a key that has none. */
  private expireIn(key: string, ms: number, options: string[] = []): number {
    const entry = this.live(key);
    if (!entry) return 0;
    if (options.some((option) => option.toUpperCase() === 'NX') && entry.expiresAt !== undefined) {
      return 0;
    }
    if (ms <= 0) this.entries.delete(key);
    else entry.expiresAt = Date.now() + ms;
    return 1;
  }

  private pttl(key: string): number {
    const entry = this.live(key);
    if (!entry) return -2;
    return entry.expiresAt === undefined ? -1 : Math.max(entry.expiresAt - Date.now(), 0);
  }

  private incr(key: string): number {
    const entry = this.readOrCreate(key, 'string', () => '0');
    const next = Number(entry.value) + 1;
    if (!Number.isSafeInteger(next)) {
      throw new ReplyError('ERR value is not an integer or out of range');
    }
    entry.value = String(next);
    return next;
  }

  private hset(key: string, pairs: string[], onlyIfAbsent: boolean): number {
    const hash = this.readOrCreate(key, 'hash', () => new Map()).value;
    let added = 0;
    for (let i = 0; i < pairs.length; i += 2) {
      if (hash.has(pairs[i]) && onlyIfAbsent) continue;
      if (!hash.has(pairs[i])) added++;
      hash.set(pairs[i], pairs[i + 1]);
    }
    return added;
  }

  private rpush(key: string, values: string[]): number {
    const list = this.readOrCreate(key, 'list', () => []).value;
    list.push(...values);
    return list.length;
  }

  private lrange(key: string, start: number, stop: number): string[] {
    const list = this.read(key, 'list')?.value ?? [];
    const [from, to] = listBounds(list.length, start, stop);
    return list.slice(from, to + 1);
  }

  private ltrim(key: string, start: number, stop: number): 'OK' {
    const entry = this.read(key, 'list');
    if (!entry) return 'OK';
    const [from, to] = listBounds(entry.value.length, start, stop);
    entry.value = entry.value.slice(from, to + 1);
    if (entry.value.length === 0) this.entries.delete(key);
    return 'OK';
  }

  private zadd(key: string, pairs: string[]): number {
    const zset = this.readOrCreate(key, 'zset', () => new Map()).value;
    let added = 0;
    for (let i = 0; i < pairs.length; i += 2) {
      if (!zset.has(pairs[i + 1])) added++;
      zset.set(pairs[i + 1], Number(pairs[i]));
    }
    return added;
  }

  private zrem(key: string, members: string[]): number {
    const entry = this.read(key, 'zset');
    if (!entry) return 0;
    const removed = members.filter((member) => entry.value.delete(member)).length;
    if (entry.value.size === 0) this.entries.delete(key);
    return removed;
  }

  /** Supports the forms the app uses: numeric or ±inf bounds, `(` exclusive, WITHSCORES, LIMIT. */
  private zrevrangebyscore(key: string, max: string, min: string, options: string[]): string[] {
    const flags = options.map((option) => option.toUpperCase());
    const withScores = flags.includes('WITHSCORES');
    const limitAt = flags.indexOf('LIMIT');
    const offset = limitAt >= 0 ? Number(options[limitAt + 1]) : 0;
    const count = limitAt >= 0 ? Number(options[limitAt + 2]) : Infinity;
    const aboveMin = scoreTest(
      min,
      (score, bound) => score > bound,
      (score, bound) => score >= bound,
    );
    const belowMax = scoreTest(
      max,
      (score, bound) => score < bound,
      (score, bound) => score <= bound,
    );
    const members = [...(this.read(key, 'zset')?.value ?? [])]
      .filter(([, score]) => aboveMin(score) && belowMax(score))
      .sort(([a, sa], [b, sb]) => sb - sa || (a < b ? 1 : a > b ? -1 : 0))
      .slice(offset, count === Infinity || count < 0 ? undefined : offset + count);
    return members.flatMap(([member, score]) => (withScores ? [member, String(score)] : [member]));
  }

  private sweep(): void {
    for (const key of this.entries.keys()) this.live(key);
  }
}

function listBounds(length: number, start: number, stop: number): [number, number] {
  const from = Math.max(start < 0 ? length + start : start, 0);
  const to = Math.min(stop < 0 ? length + stop : stop, length - 1);
  return [from, to];
}

function scoreTest(
  bound: string,
  exclusive: (score: number, bound: number) => boolean,
  inclusive: (score: number, bound: number) => boolean,
): (score: number) => boolean {
  const open = bound.startsWith('(');
  const value = parseScore(open ? bound.slice(1) : bound);
  return (score) => (open ? exclusive(score, value) : inclusive(score, value));
}

function parseScore(text: string): number {
  if (text === '+inf' || text === 'inf') return Infinity;
  if (text === '-inf') return -Infinity;
  return Number(text);
}
