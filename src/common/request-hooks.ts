import { PayloadTooLargeException, UnsupportedMediaTypeException } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BODY_TOO_LARGE } from './error-body.js';

/**
 * Work done on every request before it is routed, on Node's own request and response: give it its id,
 * watch it end, refuse a body the service will not read. A hook refuses by throwing an HttpException,
 * which the one exception filter answers. The HTTP platform runs them as one Express middleware or one
 * Fastify `onRequest` hook, without Nest's middleware machinery (middie on Fastify).
 */
export type RequestHook = (req: IncomingMessage, res: ServerResponse) => void;

export function runHooks(
  hooks: readonly RequestHook[],
  req: IncomingMessage,
  res: ServerResponse,
  next: (error?: unknown) => void,
): void {
  try {
    for (const hook of hooks) hook(req, res);
  } catch (error) {
    next(error);
    return;
  }
  next();
}

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

/** A request that carries a body must say it is JSON (415 otherwise); an empty body is fine. */
export const refuseNonJsonBodies: RequestHook = (req) => {
  if (BODY_METHODS.has(req.method ?? '') && hasBody(req) && !isJson(req)) {
    throw new UnsupportedMediaTypeException('Content-Type must be application/json');
  }
};

/**
 * 413 as soon as the headers declare a body over `maxBytes`, before a byte of it is read: a body parser
 * that meets the limit first reads the whole rest of the body, so a client that declares 100 MB and
 * stalls would otherwise hold its connection until the server's requestTimeout.
 */
export function refuseOversizedBodies(maxBytes: number): RequestHook {
  return (req) => {
    if (Number(req.headers['content-length']) > maxBytes) {
      throw new PayloadTooLargeException(BODY_TOO_LARGE);
    }
  };
}

function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return (length !== undefined && length !== '0') || req.headers['transfer-encoding'] !== undefined;
}

function isJson(req: IncomingMessage): boolean {
  const type = req.headers['content-type']?.split(';')[0].trim().toLowerCase();
  return (
    type === 'application/json' ||
    (type?.startsWith('application/') && type.endsWith('+json')) === true
  );
}
