import { afterEach, describe, expect, it } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import { KeyspaceBounds, MemoryKeyspace } from './memory-keyspace.js';

const UNBOUNDED: KeyspaceBounds = { maxKeys: Infinity, maxBytes: Infinity };

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
    const space = keyspace({ maxBytes: 10_000 });
    space.call('set', 'small', 'x');
    for (let i = 0; i < 4; i++) space.call('rpush', `list:${i}`, 'y'.repeat(3000));
    expect(evicted).toEqual(['small', 'list:0']);
    expect(keysOf(space, ['list:1', 'list:2', 'list:3'])).toHaveLength(3);
    expect(space.usage().bytes).toBeLessThanOrEqual(10_000);
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
