import { ApiParamOptions, ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';
import { type Route, ROUTES } from '../../routing/routing.types.js';
import { trimmed } from '../../common/trimmed.js';
import { ErrorMessages } from '../../common/api-error-responses.js';
import { CONVERSATION_ID_PATTERN, CONVERSATION_ID_RULE } from '../conversation-id.pipe.js';

/** The `:id` path parameter: `default` always exists, so Swagger UI's first try succeeds. */
export const CONVERSATION_ID_PARAM: ApiParamOptions = {
  name: 'id',
  description: 'A conversation id; your `default` conversation always exists',
  schema: {
    type: 'string',
    pattern: CONVERSATION_ID_PATTERN.source,
    minLength: 1,
    maxLength: 64,
    example: 'default',
  },
};

/** The 400s of a bad `:id`, in the server's words. */
export const BAD_CONVERSATION_ID: ErrorMessages = { bad_conversation_id: CONVERSATION_ID_RULE };

/** The 400s of a bad title body, in the server's words. */
export const TITLE_RULES: ErrorMessages = {
  title_blank: 'title must be longer than or equal to 1 characters',
  title_too_long: 'title must be shorter than or equal to 200 characters',
  unknown_field: 'property name should not exist',
};

export class CreateConversationRequest {
  @ApiPropertyOptional({
    description:
      '1 to 200 characters after trimming; omitted → taken from the first message (60 characters)',
    example: 'Trip planning',
    minLength: 1,
    maxLength: 200,
  })
  @IsOptional()
  @trimmed()
  @IsString()
  @Length(1, 200)
  title?: string;
}

export class RenameConversationRequest {
  @ApiProperty({
    description: '1 to 200 characters after trimming',
    example: 'Trip planning',
    minLength: 1,
    maxLength: 200,
  })
  @trimmed()
  @IsString()
  @Length(1, 200)
  title!: string;
}

export class ListConversationsQuery {
  @ApiPropertyOptional({
    type: 'integer',
    default: 20,
    minimum: 1,
    maximum: 100,
    description: 'Page size',
  })
  @IsOptional()
  @Type(() => Number)
  @Max(100)
  @Min(1)
  @IsInt({ message: 'limit must be an integer from 1 to 100' })
  limit: number = 20;

  @ApiPropertyOptional({
    description: 'The next_cursor of the previous page (opaque); omitted → the first page',
  })
  @IsOptional()
  @IsString()
  cursor?: string;
}

const MESSAGE_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** The 400s of a bad page of messages, in the server's words (an unknown `before` is the service's). */
export const MESSAGE_PAGE_RULES: ErrorMessages = {
  bad_limit: 'limit must be an integer from 1 to 1000',
  limit_too_large: 'limit must not be greater than 1000',
  bad_before: 'before must be a message_id: pass next_before as returned',
};

export class ReadConversationQuery {
  @ApiPropertyOptional({
    type: 'integer',
    default: 100,
    minimum: 1,
    maximum: 1000,
    description: 'Messages per page: the newest `limit` (before `before`, when given)',
  })
  @IsOptional()
  @Type(() => Number)
  @Max(1000)
  @Min(1)
  @IsInt({ message: MESSAGE_PAGE_RULES.bad_limit })
  limit: number = 100;

  @ApiPropertyOptional({
    description:
      'The next_before of the previous page: only messages older than this one (exclusive); ' +
      'omitted → the newest messages',
    pattern: MESSAGE_ID_PATTERN.source,
    minLength: 1,
    maxLength: 64,
  })
  @IsOptional()
  @IsString({ message: MESSAGE_PAGE_RULES.bad_before })
  @Matches(MESSAGE_ID_PATTERN, { message: MESSAGE_PAGE_RULES.bad_before })
  before?: string;
}

export class StoredMessageDto {
  @ApiProperty({ example: 'm_3kTq8ZpV1yQeWmB0aL' })
  message_id!: string;

  @ApiProperty({ enum: ['user', 'assistant'], example: 'user' })
  role!: 'user' | 'assistant';

  @ApiProperty({ example: 'What is the capital of France?' })
  content!: string;

  @ApiProperty({
    enum: ROUTES,
    example: 'direct_llm',
    description: 'The route of the turn this message belongs to',
  })
  route!: Route;

  @ApiProperty({ example: 'claude-haiku-5-5', description: 'The model that answered the turn' })
  model!: string;

  @ApiProperty({ format: 'date-time', example: '2026-11-27T09:00:00.000Z' })
  created_at!: string;
}

export class ConversationSummaryDto {
  @ApiProperty({ example: 'c_7Hn2kQp9ZrT4xVb1Lm' })
  conversation_id!: string;

  @ApiProperty({ example: 'Trip planning' })
  title!: string;

  @ApiProperty({ format: 'date-time', example: '2026-11-27T09:00:00.000Z' })
  created_at!: string;

  @ApiProperty({ format: 'date-time', example: '2026-11-27T09:05:00.000Z' })
  updated_at!: string;

  @ApiProperty({ type: 'integer', minimum: 0, example: 4, description: 'Stored messages' })
  message_count!: number;
}

export class ConversationDto {
  @ApiProperty({ example: 'c_7Hn2kQp9ZrT4xVb1Lm' })
  conversation_id!: string;

  @ApiProperty({ example: 'Trip planning' })
  title!: string;

  @ApiProperty({ format: 'date-time', example: '2026-11-27T09:00:00.000Z' })
  created_at!: string;

  @ApiProperty({ format: 'date-time', example: '2026-11-27T09:05:00.000Z' })
  updated_at!: string;

  @ApiProperty({
    type: [StoredMessageDto],
    description: 'One page: the newest `limit` messages before `before`, oldest first',
  })
  messages!: StoredMessageDto[];

  @ApiProperty({
    type: String,
    nullable: true,
    example: null,
    description: 'Pass as `before` for the page of older messages; null when nothing is older',
  })
  next_before!: string | null;
}

export class ConversationPageDto {
  @ApiProperty({ type: [ConversationSummaryDto], description: 'Newest updated_at first' })
  items!: ConversationSummaryDto[];

  @ApiProperty({
    type: String,
    nullable: true,
    example: null,
    description: 'Pass as `cursor` for the next page; null on the last page',
  })
  next_cursor!: string | null;
}
