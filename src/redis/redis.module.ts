import { Global, Logger, Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { IoRedisService } from './ioredis.service.js';
import { MemoryStoreService } from './memory-store.service.js';
import { RedisService } from './redis.service.js';

async function createStore(config: AppConfig, metrics: MetricsService): Promise<RedisService> {
  const roundTrips = metrics.counter(
    'redis_round_trips_total',
    'Store round trips: each batch, transaction or script call is one',
  );
  if (!config.redis.url && !config.redis.clusterNodes) {
    new Logger('Redis').warn(
      'REDIS_URL is not set: using the EMBEDDED IN-MEMORY STORE. History and cache live in this one ' +
        'process and are lost on restart; set REDIS_URL for anything beyond a local try-out.',
    );
    return new MemoryStoreService(roundTrips);
  }
  const store = new IoRedisService(config.redis, roundTrips);
  await store.connect();
  return store;
}

@Global()
@Module({
  providers: [
    { provide: RedisService, useFactory: createStore, inject: [AppConfig, MetricsService] },
  ],
  exports: [RedisService],
})
export class RedisModule {}
