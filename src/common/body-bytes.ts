import {
  BadRequestException,
  PayloadTooLargeException,
  UnsupportedMediaTypeException,
} from '@nestjs/common';
import { isUtf8 } from 'node:buffer';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BODY_TOO_LARGE } from './error-body.js';

/**
 * 413 as soon as the headers declare a body over `maxBytes`, before a byte of it is read: a body parser
 * that meets the limit first reads the whole rest of the body, so a client that declares 100 MB and
 * stalls would otherwise hold its connection until the server's requestTimeout. Node's request, so the
 * same check serves any adapter; the error goes on to the one exception filter.
 */
export function refuseDeclaredOversizedBodies(
  maxBytes: number,
): (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void {
  return (req, _res, next) => {
    if (Number(req.headers['content-length']) > maxBytes) {
      next(new PayloadTooLargeException(BODY_TOO_LARGE));
      return;
    }
    next();
  };
}

export const NOT_UTF8_CHARSET = 'JSON bodies must be UTF-8 (charset=utf-8)';

/**
 * A JSON body's bytes, before they are decoded: JSON is UTF-8 (RFC 8259 §8.1), so another declared
 * charset is 415, and bytes that are not UTF-8 are 400 instead of being decoded into U+FFFD and
 * stored. A leading byte order mark is valid UTF-8 and is ignored by the parser, as the RFC allows.
 */
export function assertUtf8Json(bytes: Buffer, charset: string | undefined): void {
  if (charset !== undefined && charset !== 'utf-8') {
    throw new UnsupportedMediaTypeException(NOT_UTF8_CHARSET);
  }
  if (!isUtf8(bytes)) throw new BadRequestException('Request body is not valid UTF-8');
}
