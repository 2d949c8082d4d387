import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module.js';
import { AppLogger } from './common/app-logger.service.js';
import { configureApp } from './app.setup.js';
import { readEnvironment } from './config/env-file.js';
import { ConfigError, loadConfig } from './config/load-config.js';
import { McpRegistry } from './mcp/mcp-registry.service.js';
import { httpPlatform } from './platform/http-platform.js';
import { startupSummary } from './startup-summary.js';

async function bootstrap(): Promise<void> {
  const config = loadConfig(readEnvironment());
  const app = await NestFactory.create(
    AppModule.forConfig(config),
    httpPlatform(config.http.adapter).createAdapter(config),
    { bodyParser: false, bufferLogs: true },
  );
  await configureApp(app, config);
  await app.listen(config.http.port, '0.0.0.0');
  app
    .get(AppLogger)
    .log(
      `Listening on port ${config.http.port} (${config.http.adapter}); Swagger UI at /api/docs`,
      'Bootstrap',
    );
  const summary = startupSummary(config, app.get(McpRegistry).describeServers().servers);
  if (summary) process.stdout.write(summary);
}

bootstrap().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
