import { applyDecorators, HttpCode, Post, Type } from '@nestjs/common';
import {
  ApiBody,
  ApiExtraModels,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  getSchemaPath,
} from '@nestjs/swagger';
import {
  DeltaEventDto,
  ErrorEventDto,
  StartEventDto,
  StepEventDto,
  ToolCallEventDto,
  ToolResultEventDto,
} from './dto/stream-events.dto.js';
import { ApiErrorResponses, ErrorMessages } from '../common/api-error-responses.js';
import { CONVERSATION_ID_RULE } from '../conversations/conversation-id.pipe.js';
import { CountedByTurn } from '../rate-limit/rate-limit.guard.js';
import { ChatRequest, NO_MESSAGE } from './dto/chat-request.dto.js';
import { ChatResponse } from './dto/chat-response.dto.js';

/** What the chat endpoints answer with 400, in the server's words. */
export const CHAT_BAD_REQUEST: ErrorMessages = {
  no_message: NO_MESSAGE,
  too_long: 'message is longer than 32000 characters (MAX_MESSAGE_CHARS)',
  bad_conversation_id: CONVERSATION_ID_RULE,
  unknown_field: 'property extra should not exist',
  retired_format:
    'The `messages` array is no longer accepted: send the new text as `message` (a string)',
};

interface ChatEndpointOptions {
  summary: string;
  description: string;
  /** The message of the request example Swagger UI sends first. */
  example: string;
  /** The 200 body's schema: ChatResponse unless the endpoint promises more. */
  response?: Type<ChatResponse>;
}

/** The shared HTTP shape of every chat endpoint: POST, 200 with a ChatResponse, the shared errors. */
export function ChatEndpoint(
  path: string,
  { summary, description, example, response = ChatResponse }: ChatEndpointOptions,
): MethodDecorator {
  return applyDecorators(
    Post(path),
    HttpCode(200),
    CountedByTurn(),
    ApiOperation({ summary, description }),
    ApiHeader({
      name: 'Idempotency-Key',
      required: false,
      description:
        'Makes a retry safe: a repeat of a completed request with the same key (same principal, ' +
        'endpoint and body, within 24 h) answers the first response again without a new turn; ' +
        'while the first is still running, 409; the same key with another body, 422. A first ' +
        'attempt that failed (nothing stored) releases the key.',
      schema: { type: 'string', minLength: 1, maxLength: 128, pattern: '^[\\x21-\\x7E]{1,128}$' },
    }),
    ApiChatRequestBody(example),
    ApiChatAnswer(response),
    ApiErrorResponses([400, 401, 404, 409, 413, 415, 422, 429, 502, 503, 504], {
      400: CHAT_BAD_REQUEST,
    }),
  );
}

/**
 * The ChatRequest body with examples that work as shown: the first sends only `message` (so the turn
 * goes to the caller's `default` conversation, which always exists), the second continues `default`.
 */
export function ApiChatRequestBody(example: string): MethodDecorator {
  return applyDecorators(
    ApiExtraModels(ChatRequest),
    ApiBody({
      required: true,
      schema: { $ref: getSchemaPath(ChatRequest) },
      examples: {
        new_turn: {
          summary: 'A message (to your default conversation)',
          value: { message: example },
        },
        continue_conversation: {
          summary: 'Continue a conversation by id',
          value: { message: 'And what about Germany?', conversation_id: 'default' },
        },
      },
    }),
  );
}

const STREAM_EVENTS = [
  ['start', StartEventDto],
  ['delta', DeltaEventDto],
  ['tool_call', ToolCallEventDto],
  ['tool_result', ToolResultEventDto],
  ['step', StepEventDto],
  ['error', ErrorEventDto],
] as const;

const STREAM_EXAMPLE = [
  'event: start',
  'data: {"conversation_id":"default","message_id":"m_3kTq8ZpV1yQeWmB0aL","route":"direct_llm","model":"claude-sonnet-5-5"}',
  '',
  'event: delta',
  'data: {"text":"The capital of France"}',
  '',
  'event: delta',
  'data: {"text":" is Paris."}',
  '',
  'event: done',
  'data: {"conversation_id":"default","message_id":"m_3kTq8ZpV1yQeWmB0aL","response":"The capital of France is Paris.", …}',
  '',
].join('\n');

/**
 * The 200 answer in both forms: one JSON body, or with `"stream": true` Server-Sent Events whose `data`
 * is JSON of the event's schema (the `done` event's is the JSON body).
 */
function ApiChatAnswer(response: Type<ChatResponse>): MethodDecorator {
  const events = STREAM_EVENTS.map(
    ([name, dto]) => `\`${name}\` ([${dto.name}](#/components/schemas/${dto.name}))`,
  ).join(', ');
  return applyDecorators(
    ApiExtraModels(response, ...STREAM_EVENTS.map(([, dto]) => dto)),
    ApiOkResponse({
      description:
        'The answer; the turn is stored. With `"stream": true`, Server-Sent Events instead: ' +
        '`start` first, then any of `delta`, `tool_call`, `tool_result` and `step` as they happen, ' +
        'then `done` (the whole ChatResponse) or `error` (the turn failed after start; nothing is ' +
        `stored). Event data: ${events}. Concatenated delta texts equal done.response.`,
      content: {
        'application/json': { schema: { $ref: getSchemaPath(response) } },
        'text/event-stream': {
          schema: { type: 'string', description: 'Server-Sent Events, as described above' },
          example: STREAM_EXAMPLE,
        },
      },
    }),
  );
}
