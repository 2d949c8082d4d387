import { applyDecorators, Type } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import { STATUS_CODES } from 'node:http';
import { NOT_UTF8_CHARSET } from './body-bytes.js';
import { BODY_TOO_LARGE } from './error-body.js';
import { ErrorResponseDto } from './error-response.dto.js';

type ErrorStatus = 400 | 401 | 404 | 409 | 413 | 415 | 422 | 429 | 502 | 503 | 504;

/** Named examples of one status: example name → the `message` the server sends. */
export type ErrorMessages = Record<string, string>;

interface ErrorDoc {
  description: string;
  messages: ErrorMessages;
}

export const STORE_UNAVAILABLE =
  'The conversation store is unavailable; nothing was saved, retry shortly';

/** What each status means, with the messages the server actually sends (Swagger UI's examples). */
const ERRORS: Record<ErrorStatus, ErrorDoc> = {
  400: {
    description: 'Bad input; the message names the field and the rule',
    messages: { unknown_field: 'property extra should not exist' },
  },
  401: {
    description: 'Missing or invalid bearer token',
    messages: {
      missing_token: 'Missing bearer token',
      invalid_token: 'Invalid or expired token',
    },
  },
  404: {
    description: 'Unknown conversation, or another principal’s (the same answer)',
    messages: { not_found: 'Conversation not found' },
  },
  409: {
    description: 'A request with this Idempotency-Key is still in progress',
    messages: {
      in_flight:
        'A request with this Idempotency-Key is still in progress; retry once it has finished',
    },
  },
  413: {
    description: 'Body larger than MAX_BODY_BYTES',
    messages: { too_large: BODY_TOO_LARGE },
  },
  415: {
    description: 'Body is not application/json',
    messages: { not_json: 'Content-Type must be application/json', not_utf8: NOT_UTF8_CHARSET },
  },
  422: {
    description: 'The Idempotency-Key was already used with a different request',
    messages: {
      key_reused:
        'This Idempotency-Key was already used with a different request; use a new key for a new request',
    },
  },
  429: {
    description:
      'Over RATE_LIMIT_PER_MINUTE for this principal; `Retry-After` says in how many seconds a ' +
      'request is accepted again',
    messages: { rate_limited: 'Rate limit of 60 requests a minute reached; retry in 42 s' },
  },
  502: {
    description: 'The model provider failed or rejected our request (after retries)',
    messages: {
      provider_failed: 'The model provider failed: status 500',
      unreachable: 'The model provider failed: could not reach it',
    },
  },
  503: {
    description: 'The store is unreachable or the model provider refuses our credentials',
    messages: {
      store_unavailable: STORE_UNAVAILABLE,
      outcome_unknown:
        'The store did not confirm saving this turn, so it may or may not be in the conversation. ' +
        'Retry with the same Idempotency-Key to get the saved answer (or a new one if it was not ' +
        'saved); without a key, wait a few seconds, then read the conversation before retrying',
      credentials_refused: 'The model provider refused our credentials',
    },
  },
  504: {
    description: 'The model provider did not answer within LLM_TIMEOUT_MS, retries included',
    messages: { timeout: 'The model provider did not answer within 60000 ms' },
  },
};

const RETRY_AFTER = {
  'Retry-After': {
    description: 'Whole seconds until a request of this principal is accepted again',
    required: true,
    schema: { type: 'integer', minimum: 1, maximum: 60 },
  },
};

const EXAMPLE_REQUEST_ID = '6f1c2f8e-3d4b-4d8e-9a51-1f0c7e2b9a10';

/** Routes whose errors take another API's body (the `/v1` door's OpenAI shape). */
export interface ForeignErrorShape {
  type: Type;
  /** Where a status means something narrower on these routes. */
  descriptions?: Partial<Record<ErrorStatus, string>>;
}

/**
 * Documents the given statuses, each meaning what it means on every route. In the shared error shape
 * each has example bodies carrying the server's own messages (`messages` replaces a status's examples
 * where a route says something narrower); in a `foreign` shape, its type and descriptions only.
 */
export function ApiErrorResponses(
  statuses: ErrorStatus[],
  messages: Partial<Record<ErrorStatus, ErrorMessages>> = {},
  foreign?: ForeignErrorShape,
): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ...statuses.map((status) =>
      ApiResponse({
        status,
        type: foreign?.type ?? ErrorResponseDto,
        description: foreign?.descriptions?.[status] ?? ERRORS[status].description,
        ...(!foreign && {
          examples: examplesOf(status, messages[status] ?? ERRORS[status].messages),
        }),
        ...(status === 429 && { headers: RETRY_AFTER }),
      }),
    ),
  );
}

function examplesOf(
  status: ErrorStatus,
  messages: ErrorMessages,
): Record<string, { summary: string; value: ErrorResponseDto }> {
  return Object.fromEntries(
    Object.entries(messages).map(([name, message]) => [
      name,
      {
        summary: message,
        value: {
          statusCode: status,
          error: STATUS_CODES[status] ?? 'Error',
          message,
          request_id: EXAMPLE_REQUEST_ID,
        },
      },
    ]),
  );
}
