import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import { STATUS_CODES } from 'node:http';
import { ErrorResponseDto } from './error-response.dto.js';

const MEANINGS: Record<number, string> = {
  400: 'Bad input',
  401: 'Missing or invalid bearer token',
  404: 'Unknown conversation (or another principal’s)',
  409: 'An idempotent repeat is still in flight',
  413: 'Body larger than MAX_BODY_BYTES',
  415: 'Body is not application/json',
  422: 'Idempotency key reused with another body',
  429: 'Rate limited; see Retry-After',
  502: 'The model provider failed or rejected our request',
  503: 'The store is unreachable or the model provider refuses our credentials',
  504: 'The model provider timed out',
};

/** Documents the shared error shape for the given statuses. */
export function ApiErrorResponses(...statuses: number[]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ...statuses.map((status) =>
      ApiResponse({
        status,
        type: ErrorResponseDto,
        description: MEANINGS[status] ?? STATUS_CODES[status],
      }),
    ),
  );
}
