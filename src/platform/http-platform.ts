import { INestApplication } from '@nestjs/common';
import { AbstractHttpAdapter } from '@nestjs/core';
import { RequestHook } from '../common/request-hooks.js';
import { AppConfig, HttpAdapterName } from '../config/app-config.js';
import { expressPlatform } from './express.platform.js';
import { fastifyPlatform } from './fastify.platform.js';

/**
 * What differs between the two HTTP adapters, and nothing else: creating the adapter, parsing JSON
 * bodies (MAX_BODY_BYTES, application/json and application/*+json, UTF-8 only) and the security headers.
 * Everything else — guards, pipes, filters, middleware, the SSE writer — works on Node's own request and
 * response and is the same on both.
 */
export interface HttpPlatform {
  createAdapter(config: AppConfig): AbstractHttpAdapter;
  /** Also runs `hooks`, in order, on every request before it is routed. */
  configure(app: INestApplication, config: AppConfig, hooks: readonly RequestHook[]): Promise<void>;
}

export function httpPlatform(name: HttpAdapterName): HttpPlatform {
  return name === 'fastify' ? fastifyPlatform : expressPlatform;
}

/** Helmet's headers, minus the two that would break Swagger UI and cross-origin API use. */
export const SECURITY_HEADERS = { contentSecurityPolicy: false, crossOriginEmbedderPolicy: false };

/**
 * CORS for the web app's origins (CORS_ORIGINS), enabled before the body is parsed so that even a 413
 * or a malformed body is readable by the browser. The methods are named: Fastify's default leaves out
 * PATCH and DELETE.
 */
export function enableCors(app: INestApplication, config: AppConfig): void {
  if (config.http.corsOrigins.length === 0) return;
  app.enableCors({
    origin: config.http.corsOrigins,
    methods: ['GET', 'HEAD', 'POST', 'PATCH', 'DELETE'],
    exposedHeaders: [
      'X-Request-Id',
      'Retry-After',
      'X-Should-Retry',
      'X-Route',
      'X-Model',
      'X-Cached',
    ],
  });
}
