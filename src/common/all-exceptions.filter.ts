import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { errorBodyOf, faultDetail } from './error-body.js';
import { assignRequestId, rawHttp } from './request-id.js';

/** The one place that shapes every error response: {statusCode, error, message, request_id}. */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  constructor(private readonly adapterHost: HttpAdapterHost) {}

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
    this.adapterHost.httpAdapter.reply(ctx.getResponse(), body, body.statusCode);
  }
}
