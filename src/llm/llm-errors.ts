import Anthropic from '@anthropic-ai/sdk';
import { HttpException, HttpStatus } from '@nestjs/common';
import { describeFault, isDroppedResponse, isMalformedBody } from './provider-faults.js';

/**
 * What our errors keep of the SDK's: a description without the provider's body (see
 * describeFault), so the exception filter can log the cause without echoing the body.
 */
class ProviderFault extends Error {
  override readonly name = 'ProviderFault';
}

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
export class ModelCallCancelledError extends Error {}

/** Maps an SDK error (after every retry) to our status codes: 502, 503 or 504. */
export function toModelError(error: unknown, timeoutMs: number, deadlinePassed: boolean): Error {
  const cause = new ProviderFault(describeFault(error));
  if (deadlinePassed || error instanceof Anthropic.APIConnectionTimeoutError) {
    return new ModelTimeoutError(timeoutMs, cause);
  }
  if (error instanceof Anthropic.APIUserAbortError) return new ModelCallCancelledError('cancelled');
  if (
    error instanceof Anthropic.AuthenticationError ||
    error instanceof Anthropic.PermissionDeniedError
  ) {
    return new ModelCredentialsError(cause);
  }
  if (error instanceof Anthropic.APIConnectionError) {
    return new ModelUnreachableError(cause);
  }
  if (error instanceof Anthropic.APIError && error.status !== undefined) {
    return new ModelProviderError(`status ${error.status}`, cause);
  }
  if (error instanceof Anthropic.APIError && error.type) {
    return new ModelProviderError(`${error.type} during the stream`, cause);
  }
  if (isDroppedResponse(error)) return new ModelProviderError('the connection dropped', cause);
  if (isMalformedBody(error)) return new ModelProviderError('malformed response', cause);
  return new ModelProviderError('unexpected error', cause);
}
