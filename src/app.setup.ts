import { INestApplication } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import helmet from 'helmet';
import { Logger } from 'nestjs-pino';
import { AppLogger } from './common/app-logger.js';
import { AppConfig } from './config/app-config.js';

/** Everything main.ts and the e2e app factory share: headers, CORS, body limits, Swagger, shutdown. */
export function configureApp(app: INestApplication, config: AppConfig): void {
  app.useLogger(new AppLogger(app.get(Logger)));
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

/** The response header every route sets (see common/request-id.ts). */
const REQUEST_ID_HEADER = 'X-Request-Id';
const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

function setUpSwagger(app: INestApplication): void {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Orchestrated chat')
      .setDescription(
        'One ChatRequest, one ChatResponse, four routes (direct, MCP agent, ultrafast, orchestrated) ' +
          'over one conversation history. Authorize with an API key or an HS256 JWT (outside ' +
          'production with no API_KEYS/JWT_SECRET, the development key `dev-key`). Every response ' +
          'carries X-Request-Id; every error has the shape {statusCode, error, message, request_id}.',
      )
      .setVersion('1')
      .addServer('/', 'This server')
      .addBearerAuth()
      .addTag('chat', 'One chat turn per call, on the route the path names (or the one chosen)')
      .addTag('conversations', 'Your conversations and their stored messages')
      .addTag('tools', 'The MCP servers the agent can use')
      .addTag('operations', 'Liveness and readiness probes (no auth)')
      .build(),
    { operationIdFactory: (_controllerKey, methodKey) => methodKey },
  );
  documentMessageLimit(document, app.get(AppConfig).chat.maxMessageChars);
  documentRequestIdHeader(document);
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json' });
}

/** MAX_MESSAGE_CHARS is configuration, so the schema learns it here rather than in the DTO. */
function documentMessageLimit(document: OpenAPIObject, maxMessageChars: number): void {
  const chatRequest = document.components?.schemas?.ChatRequest;
  const message = chatRequest && 'properties' in chatRequest && chatRequest.properties?.message;
  if (message && !('$ref' in message)) message.maxLength = maxMessageChars;
}

/** Every response of every route carries X-Request-Id: one header component, referenced by each. */
function documentRequestIdHeader(document: OpenAPIObject): void {
  document.components = {
    ...document.components,
    headers: {
      ...document.components?.headers,
      [REQUEST_ID_HEADER]: {
        description:
          'The request id: the client’s own X-Request-Id if it sent a valid one (1 to 128 of ' +
          'A-Za-z0-9._:-), else a new one; also `request_id` in error bodies',
        required: true,
        schema: { type: 'string', pattern: '^[A-Za-z0-9._:-]{1,128}$' },
      },
    },
  };
  const header = { $ref: `#/components/headers/${REQUEST_ID_HEADER}` };
  for (const pathItem of Object.values(document.paths)) {
    for (const method of HTTP_METHODS) {
      for (const response of Object.values(pathItem[method]?.responses ?? {})) {
        if (response && !('$ref' in response)) {
          response.headers = { ...response.headers, [REQUEST_ID_HEADER]: header };
        }
      }
    }
  }
}
