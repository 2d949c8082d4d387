import { INestApplication } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import helmet from 'helmet';
import { Logger } from 'nestjs-pino';
import { AppConfig } from './config/app-config.js';

/** Everything main.ts and the e2e app factory share: headers, CORS, body limits, Swagger, shutdown. */
export function configureApp(app: INestApplication, config: AppConfig): void {
  app.useLogger(app.get(Logger));
  const express = app as NestExpressApplication;
  express.useBodyParser('json', {
    limit: config.http.maxBodyBytes,
    type: ['application/json', 'application/*+json'],
  });
  app.use(helmet({ contentSecurityPolicy: false, crossOriginEmbedderPolicy: false }));
  if (config.http.corsOrigins.length > 0) {
    app.enableCors({
      origin: config.http.corsOrigins,
      exposedHeaders: ['X-Request-Id', 'Retry-After'],
    });
  }
  app.enableShutdownHooks();
  setUpSwagger(app);
}

function setUpSwagger(app: INestApplication): void {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Orchestrated chat')
      .setDescription(
        'One ChatRequest, one ChatResponse, four routes (direct, MCP agent, ultrafast, orchestrated) ' +
          'over one conversation history. Authorize with an API key or an HS256 JWT.',
      )
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json' });
}
