import { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { mkdtempSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { AppModule } from '../../src/app.module.js';
import { configureApp } from '../../src/app.setup.js';
import { AppConfig } from '../../src/config/app-config.js';
import { Environment, loadConfig } from '../../src/config/load-config.js';
import { RedisService } from '../../src/redis/redis.service.js';

export interface TestApp {
  app: INestApplication;
  http: Server;
  config: AppConfig;
  /** Authorization headers of two principals unique to this app. */
  alice: { Authorization: string };
  bob: { Authorization: string };
  aliceId: string;
  bobId: string;
  close(): Promise<void>;
}

export interface StoreVariant {
  name: 'redis' | 'embedded';
  env: Environment;
}

/** The same suites run against a real redis-server and the embedded store. */
export function storeVariants(): StoreVariant[] {
  return [
    { name: 'redis', env: { REDIS_URL: process.env.TEST_REDIS_URL } },
    { name: 'embedded', env: {} },
  ];
}

/**
 * The whole app, configured as in production from an environment of the test's choosing; `store`
 * replaces the configured store (for instance to count round trips); apps given the same `users` share
 * their principals (two instances of one deployment).
 */
export async function createTestApp(
  env: Environment = {},
  options: { store?: RedisService; users?: string } = {},
): Promise<TestApp> {
  const run = options.users ?? randomUUID().slice(0, 8);
  const aliceId = `alice-${run}`;
  const bobId = `bob-${run}`;
  const config = loadConfig({
    API_KEYS: `alice-key-${run}:${aliceId},bob-key-${run}:${bobId}`,
    LOG_LEVEL: 'silent',
    WORKSPACE_DIR: mkdtempSync(join(tmpdir(), 'chat-workspace-')),
    ...env,
  });
  const builder = Test.createTestingModule({ imports: [AppModule.forConfig(config)] });
  if (options.store) builder.overrideProvider(RedisService).useValue(options.store);
  const moduleRef = await builder.compile();
  const app = moduleRef.createNestApplication({ bodyParser: false, bufferLogs: true });
  configureApp(app, config);
  await app.init();
  return {
    app,
    http: app.getHttpServer() as Server,
    config,
    alice: { Authorization: `Bearer alice-key-${run}` },
    bob: { Authorization: `Bearer bob-key-${run}` },
    aliceId,
    bobId,
    close: () => app.close(),
  };
}
