import { ApiHideProperty, ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Equals, IsBoolean, IsNotEmpty, IsString, Matches, ValidateIf } from 'class-validator';
import { FastValidated } from '../../common/fast-validation.js';
import { BodyLimits } from '../../common/json-body-check.js';
import { trimmed } from '../../common/trimmed.js';
import {
  CONVERSATION_ID_PATTERN,
  CONVERSATION_ID_RULE,
} from '../../conversations/conversation-id.pipe.js';

export const NO_MESSAGE = 'No message provided';

/**
 * The one request body of every chat endpoint. It is flat; the limits leave room for a well-formed
 * body in the retired `messages` format (up to 7 levels with tool blocks, about 200 messages), so that
 * it still gets its pointer to `message` instead of a size complaint.
 */
@BodyLimits({ maxDepth: 8, maxValues: 1_000 })
@FastValidated(validChatRequest)
export class ChatRequest {
  @ApiProperty({
    description:
      'The user message: 1 to MAX_MESSAGE_CHARS (default 32000) characters after trimming; ' +
      'missing or blank → 400 `No message provided`',
    minLength: 1,
    example: 'What is the capital of France?',
  })
  @ValidateIf((body: ChatRequest) => !Array.isArray(body.messages) || body.message !== undefined)
  @trimmed()
  @IsNotEmpty({ message: NO_MESSAGE })
  @IsString({
    message: ({ value }) =>
      value === undefined || value === null ? NO_MESSAGE : 'message must be a string',
  })
  message!: string;

  @ApiPropertyOptional({
    description:
      'The conversation to continue. Omitted → your `default` conversation, which always exists; ' +
      'any other id must be one of yours (POST /api/v1/conversations creates one), else 404',
    pattern: CONVERSATION_ID_PATTERN.source,
    minLength: 1,
    maxLength: 64,
    example: 'default',
  })
  @ValidateIf((body: ChatRequest) => body.conversation_id !== undefined)
  @Matches(CONVERSATION_ID_PATTERN, { message: CONVERSATION_ID_RULE })
  @IsString({ message: 'conversation_id must be a string' })
  conversation_id?: string;

  @ApiPropertyOptional({
    description:
      'Optional; omitted means false: the answer is one JSON ChatResponse. `true` asks for ' +
      'Server-Sent Events; check the response’s Content-Type (text/event-stream or application/json)',
    example: false,
  })
  @ValidateIf((body: ChatRequest) => body.stream !== undefined)
  @IsBoolean({ message: 'stream must be a boolean' })
  stream?: boolean;

  /** The retired multi-message format, refused with a pointer to `message`: any value, even null or "". */
  @ApiHideProperty()
  @Equals(undefined, {
    message:
      'The `messages` array is no longer accepted: send the new text as `message` (a string)',
  })
  messages?: unknown;
}

const CHAT_REQUEST_FIELDS = new Set(['message', 'conversation_id', 'stream']);

/** The valid chat request in one pass (see FastValidated), as the decorators above would accept it. */
function validChatRequest(body: unknown): ChatRequest | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  const { message, conversation_id: conversationId, stream } = body as Record<string, unknown>;
  if (Object.keys(body).some((key) => !CHAT_REQUEST_FIELDS.has(key))) return undefined;
  const text = typeof message === 'string' ? message.trim() : '';
  if (text === '') return undefined;
  if (
    conversationId !== undefined &&
    (typeof conversationId !== 'string' || !CONVERSATION_ID_PATTERN.test(conversationId))
  ) {
    return undefined;
  }
  if (stream !== undefined && typeof stream !== 'boolean') return undefined;
  return Object.assign(new ChatRequest(), {
    message: text,
    ...(conversationId !== undefined && { conversation_id: conversationId }),
    ...(stream !== undefined && { stream }),
  });
}
