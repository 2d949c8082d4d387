import fastifyHelmet from '@fastify/helmet';
import { BadRequestException } from '@nestjs/common';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import type { IncomingMessage } from 'node:http';
import { assertUtf8Json } from '../common/body-bytes.js';
import { answerClientError } from '../common/client-error.js';
import { runHooks } from '../common/request-hooks.js';
import { requestIdOf } from '../common/request-id.js';
import type { HttpPlatform } from './http-platform.js';
import { enableCors, SECURITY_HEADERS } from './http-platform.js';

/** application/json and any application/…+json, with or without parameters. */
const JSON_TYPES = ['application/json', /^application\/[^;\s]+\+json\b/] as const;

export const fastifyPlatform: HttpPlatform = {
  createAdapter: (config) =>
    new FastifyAdapter({
      bodyLimit: config.http.maxBodyBytes,
      // Our request id (the client's valid X-Request-Id, else a new one), not Fastify's `req-N`.
      genReqId: (req: unknown) => requestIdOf(req as IncomingMessage),
      requestIdHeader: false,
      clientErrorHandler: answerClientError,
    }),

  configure: async (app, config, hooks) => {
    const fastify = app as NestFastifyApplication;
    const instance = fastify.getHttpAdapter().getInstance();
    instance.addHook('onRequest', (request, reply, done) =>
      runHooks(hooks, request.raw, reply.raw, (error) => done(error as Error | undefined)),
    );
    enableCors(app, config);
    instance.removeContentTypeParser('application/json');
    for (const type of JSON_TYPES) {
      fastify.useBodyParser(
        type,
        { bodyLimit: config.http.maxBodyBytes },
        async (req: unknown, bytes: Buffer) => parseJson(req as IncomingMessage, bytes),
      );
    }
    await fastify.register(fastifyHelmet, SECURITY_HEADERS);
  },
};

/** As Express's body parser does it: UTF-8 only, an empty body is `{}`, malformed JSON is 400. */
function parseJson(req: IncomingMessage, bytes: Buffer): unknown {
  assertUtf8Json(bytes, charsetOf(req.headers['content-type']));
  if (bytes.length === 0) return {};
  try {
    return JSON.parse(bytes.toString('utf8').replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new BadRequestException(`Malformed request body: ${(error as Error).message}`);
  }
}

function charsetOf(contentType: string | undefined): string | undefined {
  return /;\s*charset=("?)([^";\s]+)\1/i.exec(contentType ?? '')?.[2].toLowerCase();
}
