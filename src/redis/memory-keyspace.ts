import { StoreValue } from './redis.service.js';

type Value =
  | { type: 'string'; value: string }
  | { type: 'hash'; value: Map<string, string> }
  | { type: 'list'; value: string[] }
  | { type: 'zset'; value: Map<string, number> };

interface EntryState {
  expiresAt?: number;
  /** Approximate bytes: see KeyspaceBounds. */
  size: number;
  /** The unit (command, batch or script) that last read or wrote the key. */
  touchedIn: number;
}

type Entry = Value & EntryState;

type Command = (args: string[]) => unknown;

class ReplyError extends Error {
  override readonly name = 'ReplyError';
}

const SWEEP_INTERVAL_MS = 60_000;

/**
 * What the embedded store holds before it evicts. Sizes are the bytes V8 stores the characters of keys,
 * fields, members and values in, plus measured overheads per key, per hash, list or sorted set, and per
 * element (see KEY_OVERHEAD), so the heap the keyspace uses stays within about 10 % of what it counts.
 */
export interface KeyspaceBounds {
  maxKeys: number;
  maxBytes: number;
  /**
   * The most members one sorted set keeps: past it, its lowest-scored members are dropped. The app's
   * one sorted set is each principal's conversation index (scored by updated_at). Every create and
   * turn touches it, so LRU eviction never reaches it, while the conversations it names are evicted
   * (or expire) under it: uncapped, it would grow with every conversation ever made. Its lowest
   * entries are the conversations least recently written, mostly those eviction took first; one
   * that still exists leaves the list until its next turn puts it back, and entries whose
   * conversation is gone are pruned by ConversationService.list as it meets them.
   */
  maxSortedSetMembers: number;
}

/** Room for a few thousand long conversations in a development process, far below Node's heap limit. */
export const EMBEDDED_STORE_BOUNDS: KeyspaceBounds = {
  maxKeys: 100_000,
  maxBytes: 256 * 1024 * 1024,
  maxSortedSetMembers: 10_000,
};

/*
 * What V8 holds beyond the characters, measured with process.memoryUsage().heapUsed after gc over
 * 100 000 of each (Node 20.20, V8 11.3, x64): a string key 355 bytes (the Map entry, the entry
 * object, the key's and value's string headers); a hash, list or sorted-set key with one element
 * 535-555 (its own Map or array: ~120 more than a string key, less the element); a field of a large
 * hash 83, a member of a large sorted set 77 (with its score); a list element 28-35. With these
 * figures each of those shapes counts 0.96-1.04 of its heap; 100 000 conversations (a three-field
 * hash, a two-message list and an index member each) use 165 MiB and count 184 MiB, where the
 * earlier 64/16 counted 77 MiB.
 */
const KEY_OVERHEAD = 360;
const COLLECTION_OVERHEAD = 120;
const MEMBER_OVERHEAD = 80;
const LIST_ELEMENT_OVERHEAD = 32;
const TWO_BYTE_CHARACTER = /[^\0-\xff]/;

/**
 * The subset of Redis commands the app uses, with Redis semantics (lazy and periodic expiry, WRONGTYPE,
 * score ordering) and ioredis reply shapes, so the embedded store behaves like Redis under the same tests.
 *
 * Memory is bounded like Redis's `maxmemory-policy allkeys-lru`: past `maxKeys` keys or about
 * `maxBytes`, the least recently used keys are evicted. The Map's insertion order is the LRU order (a
 * key read or written is moved to the end), so each access and each eviction is O(1). Eviction runs
 * after a whole unit (one command, or a batch or script run through `atomically`), never inside one,
 * and never removes a key that unit touched: the keys one script writes together stay together, and a
 * single oversized unit may leave the store above its bounds until the next one.
 */
export class MemoryKeyspace {
  private readonly entries = new Map<string, Entry>();
  private readonly sweeper = setInterval(() => this.sweep(), SWEEP_INTERVAL_MS).unref();
  private bytes = 0;
  private unit = 0;
  private depth = 0;
  private readonly commands: Record<string, Command> = {
    ping: () => 'PONG',
    get: ([key]) => this.read(key, 'string')?.value ?? null,
    set: (args) => this.setString(args),
    del: (keys) => keys.filter((key) => this.live(key, false) && this.remove(key)).length,
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

  constructor(
    private readonly bounds: KeyspaceBounds = EMBEDDED_STORE_BOUNDS,
    private readonly onEvict: (key: string) => void = () => {},
  ) {}

  /** One command; on its own, it is a unit of its own. */
  call(name: string, ...args: StoreValue[]): unknown {
    const command = this.commands[name.toLowerCase()];
    if (!command) throw new ReplyError(`ERR unknown command '${name}'`);
    return this.atomically(() => command(args.map(String)));
  }

  /** Runs the commands `work` calls as one unit: eviction waits for its end and spares its keys. */
  atomically<T>(work: () => T): T {
    if (this.depth++ === 0) this.unit++;
    try {
      return work();
    } finally {
      if (--this.depth === 0) this.evictOverflow();
    }
  }

  /** How much the keyspace holds now, in the units of KeyspaceBounds. */
  usage(): { keys: number; bytes: number } {
    return { keys: this.entries.size, bytes: this.bytes };
  }

  close(): void {
    clearInterval(this.sweeper);
    this.entries.clear();
    this.bytes = 0;
  }

  /** The entry if it exists and has not expired; a read or write (`touch`) makes it most recently used. */
  private live(key: string, touch = true): Entry | undefined {
    const entry = this.entries.get(key);
    if (entry?.expiresAt !== undefined && entry.expiresAt <= Date.now()) {
      this.remove(key);
      return undefined;
    }
    if (entry && touch) {
      this.entries.delete(key);
      this.entries.set(key, entry);
      entry.touchedIn = this.unit;
    }
    return entry;
  }

  /** Stores a new value under `key`, replacing whatever was there, as the most recently used key. */
  private put<V extends Value>(key: string, value: V, size: number): V & EntryState {
    this.remove(key);
    const entry = { ...value, size: KEY_OVERHEAD + textBytes(key) + size, touchedIn: this.unit };
    this.entries.set(key, entry);
    this.bytes += entry.size;
    return entry;
  }

  private remove(key: string): boolean {
    const entry = this.entries.get(key);
    if (!entry) return false;
    this.entries.delete(key);
    this.bytes -= entry.size;
    return true;
  }

  private grow(entry: Entry, bytes: number): void {
    entry.size += bytes;
    this.bytes += bytes;
  }

  /** Drops least recently used keys (expired ones first come for free) until within the bounds. */
  private evictOverflow(): void {
    while (this.entries.size > this.bounds.maxKeys || this.bytes > this.bounds.maxBytes) {
      const oldest = this.entries.entries().next();
      if (oldest.done) return;
      const [key, entry] = oldest.value;
      if (entry.touchedIn === this.unit) return;
      const expired = entry.expiresAt !== undefined && entry.expiresAt <= Date.now();
      this.remove(key);
      if (!expired) this.onEvict(key);
    }
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
    const created = create();
    const value = { type, value: created } as unknown as Extract<Value, { type: T }>;
    const size = typeof created === 'string' ? textBytes(created) : COLLECTION_OVERHEAD;
    return this.put(key, value, size) as Extract<Entry, { type: T }>;
  }

  private setString([key, value, ...options]: string[]): 'OK' | null {
    const flags = options.map((option) => option.toUpperCase());
    if (flags.includes('NX') && this.live(key)) return null;
    if (flags.includes('XX') && !this.live(key)) return null;
    const entry = this.put(key, { type: 'string', value }, textBytes(value));
    const ex = flags.indexOf('EX');
    const px = flags.indexOf('PX');
    if (ex >= 0) entry.expiresAt = Date.now() + Number(options[ex + 1]) * 1000;
    if (px >= 0) entry.expiresAt = Date.now() + Number(options[px + 1]);
    return 'OK';
  }

  /** EXPIRE/PEXPIRE; the NX option sets a TTL only on a key that has none. */
  private expireIn(key: string, ms: number, options: string[] = []): number {
    const entry = this.live(key);
    if (!entry) return 0;
    if (options.some((option) => option.toUpperCase() === 'NX') && entry.expiresAt !== undefined) {
      return 0;
    }
    if (ms <= 0) this.remove(key);
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
    this.grow(entry, textBytes(String(next)) - textBytes(entry.value));
    entry.value = String(next);
    return next;
  }

  private hset(key: string, pairs: string[], onlyIfAbsent: boolean): number {
    const entry = this.readOrCreate(key, 'hash', () => new Map());
    const hash = entry.value;
    let added = 0;
    for (let i = 0; i < pairs.length; i += 2) {
      const [field, value] = [pairs[i], pairs[i + 1]];
      const previous = hash.get(field);
      if (previous !== undefined && onlyIfAbsent) continue;
      if (previous === undefined) added++;
      this.grow(
        entry,
        previous === undefined
          ? MEMBER_OVERHEAD + textBytes(field) + textBytes(value)
          : textBytes(value) - textBytes(previous),
      );
      hash.set(field, value);
    }
    return added;
  }

  private rpush(key: string, values: string[]): number {
    const entry = this.readOrCreate(key, 'list', () => []);
    entry.value.push(...values);
    this.grow(entry, listSize(values));
    return entry.value.length;
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
    const kept = entry.value.slice(from, to + 1);
    if (kept.length === 0) {
      this.remove(key);
      return 'OK';
    }
    this.grow(entry, -listSize(entry.value.slice(0, from)) - listSize(entry.value.slice(to + 1)));
    entry.value = kept;
    return 'OK';
  }

  private zadd(key: string, pairs: string[]): number {
    const entry = this.readOrCreate(key, 'zset', () => new Map());
    const added: string[] = [];
    for (let i = 0; i < pairs.length; i += 2) {
      if (!entry.value.has(pairs[i + 1])) added.push(pairs[i + 1]);
      entry.value.set(pairs[i + 1], Number(pairs[i]));
    }
    this.grow(entry, membersSize(added));
    this.dropLowestPastCap(entry);
    return added.length;
  }

  private zrem(key: string, members: string[]): number {
    const entry = this.read(key, 'zset');
    if (!entry) return 0;
    const removed = members.filter((member) => entry.value.delete(member));
    if (entry.value.size === 0) this.remove(key);
    else this.grow(entry, -membersSize(removed));
    return removed.length;
  }

  /** Keeps a sorted set within maxSortedSetMembers by dropping its lowest-scored members. */
  private dropLowestPastCap(entry: Extract<Entry, { type: 'zset' }>): void {
    const excess = entry.value.size - this.bounds.maxSortedSetMembers;
    if (excess <= 0) return;
    const members = [...entry.value];
    const lowest =
      excess === 1
        ? [members.reduce((low, member) => (byScore(member, low) < 0 ? member : low))]
        : members.sort(byScore).slice(0, excess);
    const dropped = lowest.map(([member]) => member);
    for (const member of dropped) entry.value.delete(member);
    this.grow(entry, -membersSize(dropped));
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
    for (const key of this.entries.keys()) this.live(key, false);
  }
}

/**
 * The bytes of a string's characters: V8 stores a string with any character past U+00FF (a curly
 * quote, an emoji) at two bytes a character. Running a RegExp over a string also flattens it: one
 * built by concatenation (`randomUUID()`, a key from a template) is otherwise kept as the tree of
 * its parts, which made a UUID member cost 500 bytes instead of 75.
 */
function textBytes(text: string): number {
  return TWO_BYTE_CHARACTER.test(text) ? 2 * text.length : text.length;
}

/** The approximate size of list elements (see KeyspaceBounds). */
function listSize(items: string[]): number {
  return items.reduce((total, item) => total + LIST_ELEMENT_OVERHEAD + textBytes(item), 0);
}

/** The approximate size of sorted-set members, without their scores (see KeyspaceBounds). */
function membersSize(members: string[]): number {
  return members.reduce((total, member) => total + MEMBER_OVERHEAD + textBytes(member), 0);
}

/** Ascending score, then member, as Redis orders a sorted set. */
function byScore([a, sa]: [string, number], [b, sb]: [string, number]): number {
  return sa - sb || (a < b ? -1 : a > b ? 1 : 0);
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
