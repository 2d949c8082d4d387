import { HttpException } from '@nestjs/common';
import { STATUS_CODES } from 'node:http';
import { ErrorResponseDto } from './error-response.dto.js';

/** The 413 message, whichever check finds the body too large. */
export const BODY_TOO_LARGE = 'Request body is larger than MAX_BODY_BYTES';

/** Errors raised by body parsers carry their HTTP status (413 too large, 400 malformed JSON). */
type ParserError = Error & { status?: number; statusCode?: number; expose?: boolean };

/**
 * The one error shape, {statusCode, error, message, request_id}, for any exception: HTTP exceptions keep
 * their status and message, body-parser errors theirs, anything else is a 500 that says nothing more.
 */
export function errorBodyOf(exception: unknown, requestId: string): ErrorResponseDto {
  const { statusCode, message } = describe(exception);
  return {
    statusCode,
    error: STATUS_CODES[statusCode] ?? 'Error',
    message,
    request_id: requestId,
  };
}

/** What to log about a fault (a 5xx): the exception and what caused it, stack included. */
export function faultDetail(exception: unknown): string {
  const cause = exception instanceof HttpException ? exception.cause : exception;
  const detail = cause instanceof Error ? (cause.stack ?? cause.message) : '';
  return `${exception instanceof Error ? exception.message : 'non-error thrown'} ${detail}`;
}

function describe(exception: unknown): { statusCode: number; message: string | string[] } {
  if (exception instanceof HttpException) {
    if (exception.getStatus() === 413) return { statusCode: 413, message: BODY_TOO_LARGE };
    const response = exception.getResponse();
    const message =
      typeof response === 'string' ? response : (response as { message?: unknown }).message;
    return {
      statusCode: exception.getStatus(),
      message: typeof message === 'string' || Array.isArray(message) ? message : exception.message,
    };
  }
  const parserStatus = (exception as ParserError)?.status ?? (exception as ParserError)?.statusCode;
  if (typeof parserStatus === 'number' && parserStatus >= 400 && parserStatus < 500) {
    return {
      statusCode: parserStatus,
      message: parserMessage(exception as ParserError, parserStatus),
    };
  }
  return { statusCode: 500, message: 'Internal server error' };
}

function parserMessage(error: ParserError, status: number): string {
  if (status === 413) return BODY_TOO_LARGE;
  if (status === 415) return 'Content-Type must be application/json';
  return error.expose !== false
    ? `Malformed request body: ${error.message}`
    : 'Malformed request body';
}
