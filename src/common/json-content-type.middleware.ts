import { Injectable, NestMiddleware, UnsupportedMediaTypeException } from '@nestjs/common';
import { IncomingMessage } from 'node:http';

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

/** A request that carries a body must say it is JSON (415 otherwise); an empty body is fine. */
@Injectable()
export class JsonContentTypeMiddleware implements NestMiddleware {
  use(req: IncomingMessage, _res: unknown, next: () => void): void {
    if (BODY_METHODS.has(req.method ?? '') && hasBody(req) && !isJson(req)) {
      throw new UnsupportedMediaTypeException('Content-Type must be application/json');
    }
    next();
  }
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
