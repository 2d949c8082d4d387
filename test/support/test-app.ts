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
import { httpPlatform } from '../../src/platform/http-platform.js';
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
    HTTP_ADAPTER: testedAdapter(),
    API_KEYS: `alice-key-${run}:${aliceId},bob-key-${run}:${bobId}`,
    LOG_LEVEL: 'silent',
    WORKSPACE_DIR: mkdtempSync(join(tmpdir(), 'chat-workspace-')),
    ...env,
  });
  const builder = Test.createTestingModule({ imports: [AppModule.forConfig(config)] });
  if (options.store) builder.overrideProvider(RedisService).useValue(options.store);
  const moduleRef = await builder.compile();
  const app = moduleRef.createNestApplication(
    httpPlatform(config.http.adapter).createAdapter(config),
    { bodyParser: false, bufferLogs: true },
  );
  await configureApp(app, config);
  await app.init();
  // Fastify answers requests once its plugins have loaded; Express has nothing to wait for.
  await (app.getHttpAdapter().getInstance() as { ready?: () => Promise<unknown> }).ready?.();
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

/** The HTTP adapter the e2e project runs on (jest.config.js runs the e2e suites on both). */
function testedAdapter(): string {
  return (globalThis as { TEST_HTTP_ADAPTER?: string }).TEST_HTTP_ADAPTER ?? 'express';
}
