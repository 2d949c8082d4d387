import { IoRedisService } from '../../src/redis/ioredis.service.js';
import { MemoryStoreService } from '../../src/redis/memory-store.service.js';
import { RedisService } from '../../src/redis/redis.service.js';

/** The two stores a store-level spec runs against: the run's redis-server and the embedded one. */
export const STORE_FACTORIES: Array<[name: string, create: () => Promise<RedisService>]> = [
  [
    'redis',
    async () => {
      const store = new IoRedisService({ url: process.env.TEST_REDIS_URL });
      await store.connect();
      return store;
    },
  ],
  ['embedded', async () => new MemoryStoreService()],
];

export async function closeStore(store: RedisService): Promise<void> {
  await (store as unknown as { onApplicationShutdown(): Promise<void> }).onApplicationShutdown();
}
