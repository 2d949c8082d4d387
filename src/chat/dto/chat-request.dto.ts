import { ApiHideProperty, ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsEmpty, IsNotEmpty, IsString, Matches, ValidateIf } from 'class-validator';
import { trimmed } from '../../common/trimmed.js';
import {
  CONVERSATION_ID_PATTERN,
  CONVERSATION_ID_RULE,
} from '../../conversations/conversation-id.pipe.js';

export const NO_MESSAGE = 'No message provided';

/** The one request body of every chat endpoint. */
export class ChatRequest {
  @ApiProperty({
    description: 'The user message (1 to MAX_MESSAGE_CHARS characters after trimming)',
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
    description: 'Continue this conversation; omitted → your `default` conversation',
    example: 'c_7Hn2kQp9ZrT4xVb1Lm',
    pattern: '^[A-Za-z0-9_-]{1,64}$',
  })
  @ValidateIf((body: ChatRequest) => body.conversation_id !== undefined)
  @Matches(CONVERSATION_ID_PATTERN, { message: CONVERSATION_ID_RULE })
  @IsString({ message: 'conversation_id must be a string' })
  conversation_id?: string;

  @ApiPropertyOptional({ description: 'Answer as Server-Sent Events', default: false })
  @ValidateIf((body: ChatRequest) => body.stream !== undefined)
  @IsBoolean({ message: 'stream must be a boolean' })
  stream?: boolean;

  /** The retired multi-message format, refused with a pointer to `message`. */
  @ApiHideProperty()
  @IsEmpty({
    message:
      'The `messages` array is no longer accepted: send the new text as `message` (a string)',
  })
  messages?: unknown;
}
