import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { IncomingMessage } from 'node:http';
import { errorBodyOf, faultDetail } from './error-body.js';
import { ErrorFormats } from './error-formats.js';
import { RateLimitedError, WriteOutcomeUnknownError } from './errors.js';
import { assignRequestId, rawHttp } from './request-id.js';

/**
 * The one place that shapes every error response: {statusCode, error, message, request_id}, or the shape
 * a door registered for its paths (ErrorFormats).
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly formats: ErrorFormats,
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const { req, res } = rawHttp(ctx.getRequest(), ctx.getResponse());
    const body = errorBodyOf(exception, assignRequestId(req, res));
    if (body.statusCode >= 500) this.logger.error(`${body.statusCode}: ${faultDetail(exception)}`);
    if (res.headersSent) {
      // A streamed response reports its own errors; all that is left here is to end it.
      if (!res.writableEnded) res.end();
      return;
    }
    if (exception instanceof RateLimitedError) {
      res.setHeader('Retry-After', String(exception.retryAfterSeconds));
    }
    // SDKs that retry 5xx on their own (OpenAI's, Anthropic's) must not resend a turn that may be saved.
    if (exception instanceof WriteOutcomeUnknownError) res.setHeader('x-should-retry', 'false');
    if (bodyStillArriving(req)) res.setHeader('Connection', 'close');
    const url = (req as IncomingMessage & { originalUrl?: string }).originalUrl ?? req.url;
    const shaped = this.formats.bodyFor(url, body, exception);
    this.adapterHost.httpAdapter.reply(ctx.getResponse(), shaped, body.statusCode);
  }
}

/**
 * Refused before its body was in (413 from Content-Length, 415): the connection is closed after the
 * answer rather than kept to read a body nobody will use, or to wait for one a stalled client never
 * sends. A request without a body is left alone (it may be answered before Node marks it complete).
 */
function bodyStillArriving(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  const declared = (length !== undefined && length !== '0') || req.headers['transfer-encoding'];
  return Boolean(declared) && !req.complete;
}
