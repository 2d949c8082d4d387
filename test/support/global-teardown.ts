import type { RedisServerHandle } from './redis-server.js';

export default async function globalTeardown(): Promise<void> {
  await (globalThis as { testRedis?: RedisServerHandle }).testRedis?.stop();
}
