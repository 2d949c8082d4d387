import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import type { Server } from 'node:http';
import { AppLogger } from './common/app-logger.service.js';
import { refuseNonJsonBodies, refuseOversizedBodies } from './common/request-hooks.js';
import { RequestLog } from './common/request-log.js';
import { AppConfig } from './config/app-config.js';
import { HttpMetrics } from './metrics/http-metrics.js';
import { httpPlatform } from './platform/http-platform.js';

/**
 * Everything main.ts and the e2e app factory share: server timeouts, body limits and parsing, headers,
 * CORS, Swagger, shutdown, on either HTTP adapter.
 */
export async function configureApp(app: INestApplication, config: AppConfig): Promise<void> {
  app.useLogger(app.get(AppLogger));
  configureHttpServer(app.getHttpServer() as Server);
  await httpPlatform(config.http.adapter).configure(app, config, [
    app.get(RequestLog).track,
    app.get(HttpMetrics).track,
    refuseNonJsonBodies,
    refuseOversizedBodies(config.http.maxBodyBytes),
  ]);
  app.enableShutdownHooks();
  setUpSwagger(app);
}

/**
 * Timeouts of Node's HTTP server, the one under Express and Fastify alike. Node's `requestTimeout` and
 * `headersTimeout` bound *receiving* a request (the clock stops once the whole body is in), never the
 * answer: an SSE stream or a slow model call is not cut by them (test/hostile-input.e2e-spec.ts checks
 * both). Past either, Node itself answers `408 Request Timeout` with `Connection: close` (no body, so not
 * our error shape) and closes the connection. Headers over Node's 16 KiB limit get
 * `431 Request Header Fields Too Large` the same way, before any of our code runs.
 */
export const HTTP_SERVER_TIMEOUTS = {
  /** All the headers of a request from its first byte, or of a new connection that sends nothing
   * (slowloris): headers are a few KiB at most. Not applied to an idle kept-alive connection. */
  headersTimeout: 10_000,
  /** The whole request, headers and body: MAX_BODY_BYTES (1 MiB) at about 35 KB/s. */
  requestTimeout: 30_000,
  /** An idle kept-alive connection: longer than the 60 s idle timeout of common load balancers, so that
   * they, not we, close it (else a request they send on a connection we just closed fails as a 502). */
  keepAliveTimeout: 65_000,
  /** How often Node enforces the first two (its default, 30 s, would let a stalled request outlive them
   * by up to 30 s). Read when the server starts listening, so it is set before `listen`. */
  connectionsCheckingInterval: 1_000,
};

function configureHttpServer(server: Server): void {
  server.headersTimeout = HTTP_SERVER_TIMEOUTS.headersTimeout;
  server.requestTimeout = HTTP_SERVER_TIMEOUTS.requestTimeout;
  server.keepAliveTimeout = HTTP_SERVER_TIMEOUTS.keepAliveTimeout;
  (server as Server & { connectionsCheckingInterval: number }).connectionsCheckingInterval =
    HTTP_SERVER_TIMEOUTS.connectionsCheckingInterval;
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
      .addTag(
        'openai',
        'The OpenAI-compatible door: base URL …/v1, the same routes and conversations',
      )
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
