import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { STATUS_CODES } from 'node:http';
import { ErrorResponseDto } from './error-response.dto.js';
import { assignRequestId, rawHttp } from './request-id.js';

/** Errors raised by body parsers carry their HTTP status (413 too large, 400 malformed JSON). */
type ParserError = Error & { status?: number; statusCode?: number; expose?: boolean };

/** The one place that shapes every error response: {statusCode, error, message, request_id}. */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  constructor(private readonly adapterHost: HttpAdapterHost) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const { req, res } = rawHttp(ctx.getRequest(), ctx.getResponse());
    const { statusCode, message } = this.describe(exception);
    const body: ErrorResponseDto = {
      statusCode,
      error: STATUS_CODES[statusCode] ?? 'Error',
      message,
      request_id: assignRequestId(req, res),
    };
    if (statusCode >= 500) this.logFault(exception, statusCode);
    this.adapterHost.httpAdapter.reply(ctx.getResponse(), body, statusCode);
  }

  private describe(exception: unknown): { statusCode: number; message: string | string[] } {
    if (exception instanceof HttpException) {
      const response = exception.getResponse();
      const message =
        typeof response === 'string' ? response : (response as { message?: unknown }).message;
      return {
        statusCode: exception.getStatus(),
        message:
          typeof message === 'string' || Array.isArray(message) ? message : exception.message,
      };
    }
    const parserStatus =
      (exception as ParserError)?.status ?? (exception as ParserError)?.statusCode;
    if (typeof parserStatus === 'number' && parserStatus >= 400 && parserStatus < 500) {
      return {
        statusCode: parserStatus,
        message: parserMessage(exception as ParserError, parserStatus),
      };
    }
    return { statusCode: 500, message: 'Internal server error' };
  }

  private logFault(exception: unknown, statusCode: number): void {
    const cause = exception instanceof HttpException ? exception.cause : exception;
    const detail = cause instanceof Error ? (cause.stack ?? cause.message) : String(cause ?? '');
    this.logger.error(
      `${statusCode}: ${exception instanceof Error ? exception.message : ''} ${detail}`,
    );
  }
}

function parserMessage(error: ParserError, status: number): string {
  if (status === 413) return 'Request body is larger than MAX_BODY_BYTES';
  if (status === 415) return 'Content-Type must be application/json';
  return error.expose !== false
    ? `Malformed request body: ${error.message}`
    : 'Malformed request body';
}
