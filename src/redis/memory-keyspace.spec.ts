import { afterEach, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { KeyspaceBounds, MemoryKeyspace } from './memory-keyspace.js';

const UNBOUNDED: KeyspaceBounds = {
  maxKeys: Infinity,
  maxBytes: Infinity,
  maxSortedSetMembers: Infinity,
};

describe('MemoryKeyspace bounds', () => {
  const opened: MemoryKeyspace[] = [];
  let evicted: string[] = [];

  function keyspace(bounds: Partial<KeyspaceBounds>): MemoryKeyspace {
    const created = new MemoryKeyspace({ ...UNBOUNDED, ...bounds }, (key) => evicted.push(key));
    opened.push(created);
    return created;
  }

  function keysOf(space: MemoryKeyspace, keys: string[]): string[] {
    return keys.filter((key) => space.call('exists', key) === 1);
  }

  afterEach(() => {
    for (const space of opened.splice(0)) space.close();
    evicted = [];
  });

  it('evicts the least recently used key past maxKeys; a read counts as a use', () => {
    const space = keyspace({ maxKeys: 3 });
    for (const key of ['a', 'b', 'c']) space.call('set', key, key);
    expect(space.call('get', 'a')).toBe('a');
    space.call('set', 'd', 'd');
    expect(evicted).toEqual(['b']);
    space.call('rpush', 'e', 'x');
    expect(evicted).toEqual(['b', 'c']);
    expect(space.usage().keys).toBe(3);
  });

  it('evicts by approximate size: a few long values push out the oldest keys', () => {
    const space = keyspace({ maxBytes: 12_000 });
    space.call('set', 'small', 'x');
    for (let i = 0; i < 4; i++) space.call('rpush', `list:${i}`, 'y'.repeat(3000));
    expect(evicted).toEqual(['small', 'list:0']);
    expect(keysOf(space, ['list:1', 'list:2', 'list:3'])).toHaveLength(3);
    expect(space.usage().bytes).toBeLessThanOrEqual(12_000);
  });

  it('counts every write and removal, so the size always matches the content', () => {
    const space = keyspace({});
    const fresh = keyspace({});
    space.call('set', 's', 'long value');
    space.call('set', 's', 'v');
    space.call('incr', 'n');
    for (let i = 0; i < 12; i++) space.call('incr', 'n');
    space.call('hset', 'h', 'f', 'a long first value', 'g', '1');
    space.call('hset', 'h', 'f', 'short');
    space.call('hsetnx', 'h', 'g', 'ignored');
    space.call('rpush', 'l', 'one', 'two', 'three', 'four', 'five');
    space.call('ltrim', 'l', 1, -2);
    space.call('zadd', 'z', 1, 'a', 2, 'b', 3, 'a');
    space.call('zadd', 'z', 5, 'c');
    space.call('zrem', 'z', 'c', 'missing');

    fresh.call('set', 's', 'v');
    fresh.call('set', 'n', '13');
    fresh.call('hset', 'h', 'f', 'short', 'g', '1');
    fresh.call('rpush', 'l', 'two', 'three', 'four');
    fresh.call('zadd', 'z', 3, 'a', 2, 'b');
    expect(space.usage()).toEqual(fresh.usage());

    space.call('expire', 's', 0);
    space.call('ltrim', 'l', 5, 10);
    space.call('zrem', 'z', 'a', 'b');
    space.call('del', 'n', 'h');
    expect(space.usage()).toEqual({ keys: 0, bytes: 0 });
  });

  it('never evicts inside a unit, nor any key the unit touched', () => {
    const space = keyspace({ maxKeys: 2 });
    space.call('set', 'old', '1');
    space.atomically(() => {
      for (const key of ['meta', 'messages', 'index']) space.call('set', key, key);
      expect(evicted).toEqual([]);
    });
    expect(evicted).toEqual(['old']);
    expect(space.usage().keys).toBe(3);

    space.atomically(() => {
      space.call('get', 'meta');
      space.call('set', 'next', 'x');
    });
    expect(evicted).toEqual(['old', 'messages', 'index']);
    expect(keysOf(space, ['meta', 'next'])).toEqual(['meta', 'next']);
  });

  it('counts a character past U+00FF as two bytes, as V8 stores it', () => {
    const latin = keyspace({});
    const wide = keyspace({});
    latin.call('set', 's', 'caf\u00e9');
    wide.call('set', 's', 'it\u2019s');
    expect(wide.usage().bytes - latin.usage().bytes).toBe(4);
  });

  it('keeps a sorted set to maxSortedSetMembers, dropping the lowest-scored members', () => {
    const space = keyspace({ maxSortedSetMembers: 3 });
    const index = 'chat:{u}:conversations';
    for (const [score, member] of [
      [5, 'e'],
      [1, 'a'],
      [3, 'c'],
      [4, 'd'],
    ] as const) {
      space.call('zadd', index, score, member);
    }
    space.call('zadd', index, 4, 'b', 9, 'f', 4, 'x');
    expect(space.call('zcard', index)).toBe(3);
    expect(space.call('zrevrangebyscore', index, '+inf', '-inf', 'WITHSCORES')).toEqual([
      'f',
      '9',
      'e',
      '5',
      'x',
      '4',
    ]);
    // Raising a kept member's score adds nothing and drops nothing.
    space.call('zadd', index, 10, 'x');
    expect(space.call('zcard', index)).toBe(3);

    const fresh = keyspace({});
    fresh.call('zadd', index, 9, 'f', 5, 'e', 10, 'x');
    expect(space.usage()).toEqual(fresh.usage());
    expect(evicted).toEqual([]);
  });

  it('counts about the heap V8 uses for what it holds', () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const heapUsed = () => {
      gc();
      gc();
      return process.memoryUsage().heapUsed;
    };
    const count = 50_000;
    const shapes: Record<string, (space: MemoryKeyspace, i: number) => void> = {
      'short strings': (space, i) => space.call('set', `chat:{u${i % 100}}:answer:${i}`, `a${i}`),
      conversations: (space, i) => {
        const id = randomUUID();
        const now = new Date(Date.now() + i).toISOString();
        const key = `chat:{u${i % 100}}:conv:${id}`;
        space.call('hset', key, 'created_at', now, 'title', `Conversation ${i}`, 'updated_at', now);
        space.call('rpush', `${key}:messages`, `{"role":"user","n":${i}}`, '{"text":"it\u2019s"}');
        space.call('zadd', `chat:{u${i % 100}}:conversations`, Date.now() + i, id);
      },
    };
    for (const fill of Object.values(shapes)) {
      const space = keyspace({});
      const before = heapUsed();
      for (let i = 0; i < count; i++) fill(space, i);
      const heapPerCountedByte = (heapUsed() - before) / space.usage().bytes;
      expect(heapPerCountedByte).toBeGreaterThan(0.7);
      expect(heapPerCountedByte).toBeLessThan(1.3);
    }
  });

  it('drops expired keys first without counting them as evictions', async () => {
    const space = keyspace({ maxKeys: 2 });
    space.call('set', 'short-lived', 'x', 'PX', 1);
    space.call('set', 'kept', 'x');
    await sleep(5);
    space.call('set', 'new', 'x');
    expect(evicted).toEqual([]);
    expect(keysOf(space, ['short-lived', 'kept', 'new'])).toEqual(['kept', 'new']);
  });
});
