import { BadRequestException } from '@nestjs/common';
import {
  ConversationNotFoundError,
  ModelNotFoundError,
  RateLimitedError,
} from '../common/errors.js';
import { ErrorResponseDto } from '../common/error-response.dto.js';
import { OpenAiErrorDto } from './dto/openai-error.dto.js';

/** A request parameter we cannot honour: 400 naming it, as OpenAI's API does. */
export class UnsupportedParameterError extends BadRequestException {
  constructor(
    readonly param: string,
    message: string,
    readonly code = 'unsupported_parameter',
  ) {
    super(message);
  }
}

const TYPES: Record<number, [type: string, code: string | null]> = {
  400: ['invalid_request_error', null],
  401: ['authentication_error', 'invalid_api_key'],
  404: ['invalid_request_error', 'not_found'],
  409: ['invalid_request_error', 'idempotency_key_in_use'],
  413: ['invalid_request_error', 'request_too_large'],
  415: ['invalid_request_error', 'unsupported_media_type'],
  422: ['invalid_request_error', 'idempotency_key_reused'],
  429: ['rate_limit_error', 'rate_limit_exceeded'],
};

/** Our error, in OpenAI's shape, with our status code and the parameter at fault where known. */
export function openAiErrorOf(body: ErrorResponseDto, exception: unknown): OpenAiErrorDto {
  const [type, code] = TYPES[body.statusCode] ?? [
    body.statusCode >= 500 ? 'api_error' : 'invalid_request_error',
    null,
  ];
  const message = Array.isArray(body.message) ? body.message.join('; ') : body.message;
  if (exception instanceof UnsupportedParameterError) {
    return { error: { message, type, param: exception.param, code: exception.code } };
  }
  if (exception instanceof ModelNotFoundError) {
    return { error: { message, type, param: 'model', code: 'model_not_found' } };
  }
  if (exception instanceof ConversationNotFoundError) {
    return {
      error: { message, type, param: 'metadata.conversation_id', code: 'conversation_not_found' },
    };
  }
  return {
    error: {
      message,
      type,
      param: null,
      code: exception instanceof RateLimitedError ? 'rate_limit_exceeded' : code,
    },
  };
}
