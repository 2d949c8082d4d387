import Anthropic from '@anthropic-ai/sdk';
import { HttpException, HttpStatus } from '@nestjs/common';

class ModelTimeoutError extends HttpException {
  constructor(timeoutMs: number, cause?: unknown) {
    super(`The model provider did not answer within ${timeoutMs} ms`, HttpStatus.GATEWAY_TIMEOUT, {
      cause,
    });
  }
}

class ModelProviderError extends HttpException {
  constructor(detail: string, cause?: unknown) {
    super(`The model provider failed: ${detail}`, HttpStatus.BAD_GATEWAY, { cause });
  }
}

export class ModelUnreachableError extends ModelProviderError {
  constructor(cause?: unknown) {
    super('could not reach it', cause);
  }
}

export class ModelCredentialsError extends HttpException {
  constructor(cause?: unknown) {
    super('The model provider refused our credentials', HttpStatus.SERVICE_UNAVAILABLE, { cause });
  }
}

/** The caller (a disconnected client, or an orchestration budget) cancelled the call. */
class ModelCallCancelledError extends Error {}

/** Maps an SDK error (after the SDK's own retries) to our status codes: 502, 503 or 504. */
export function toModelError(error: unknown, timeoutMs: number, deadlinePassed: boolean): Error {
  if (deadlinePassed || error instanceof Anthropic.APIConnectionTimeoutError) {
    return new ModelTimeoutError(timeoutMs, error);
  }
  if (error instanceof Anthropic.APIUserAbortError) return new ModelCallCancelledError('cancelled');
  if (
    error instanceof Anthropic.AuthenticationError ||
    error instanceof Anthropic.PermissionDeniedError
  ) {
    return new ModelCredentialsError(error);
  }
  if (error instanceof Anthropic.APIConnectionError) {
    return new ModelUnreachableError(error);
  }
  if (error instanceof Anthropic.APIError) {
    return new ModelProviderError(`status ${error.status ?? 'unknown'}`, error);
  }
  return new ModelProviderError('unexpected error', error);
}
