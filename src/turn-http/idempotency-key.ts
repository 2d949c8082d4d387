import { BadRequestException } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { IncomingMessage } from 'node:http';
import { IdempotentRequest } from '../turns/idempotency.store.js';

const VALID_KEY = /^[\x21-\x7e]{1,128}$/;

/**
 * The request's Idempotency-Key (1 to 128 visible ASCII characters; 400 otherwise) and what identifies
 * the request: its path and `identity` (the parts of the body that make it this request — not `stream`,
 * so a streamed repeat of a JSON request is the same request).
 */
export function idempotencyOf(
  req: IncomingMessage,
  identity: unknown,
): IdempotentRequest | undefined {
  const key = req.headers['idempotency-key'];
  if (key === undefined) return undefined;
  if (typeof key !== 'string' || !VALID_KEY.test(key)) {
    throw new BadRequestException('Idempotency-Key must be 1 to 128 visible ASCII characters');
  }
  const path = (req.url ?? '').split('?')[0];
  const fingerprint = createHash('sha256')
    .update(JSON.stringify([path, identity]))
    .digest('base64url');
  return { key, fingerprint };
}
