import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import { ROUTES } from '../../routing/routing.types.js';
import { trimmed } from '../../common/trimmed.js';

export class CreateConversationRequest {
  @ApiPropertyOptional({ example: 'Trip planning', maxLength: 200 })
  @IsOptional()
  @trimmed()
  @IsString()
  @Length(1, 200)
  title?: string;
}

export class RenameConversationRequest {
  @ApiProperty({ example: 'Trip planning', minLength: 1, maxLength: 200 })
  @trimmed()
  @IsString()
  @Length(1, 200)
  title!: string;
}

export class ListConversationsQuery {
  @ApiPropertyOptional({ default: 20, minimum: 1, maximum: 100 })
  @IsOptional()
  @Type(() => Number)
  @Max(100)
  @Min(1)
  @IsInt({ message: 'limit must be an integer from 1 to 100' })
  limit: number = 20;

  @ApiPropertyOptional({ description: 'next_cursor of the previous page' })
  @IsOptional()
  @IsString()
  cursor?: string;
}

export class StoredMessageDto {
  @ApiProperty({ example: 'm_3kTq8ZpV1yQeWmB0aL' })
  message_id!: string;

  @ApiProperty({ enum: ['user', 'assistant'] })
  role!: 'user' | 'assistant';

  @ApiProperty({ example: 'What is the capital of France?' })
  content!: string;

  @ApiProperty({ enum: ROUTES, description: 'The route of the turn this message belongs to' })
  route!: string;

  @ApiProperty({ example: 'claude-haiku-5-5' })
  model!: string;

  @ApiProperty({ example: '2026-11-27T09:00:00.000Z' })
  created_at!: string;
}

export class ConversationSummaryDto {
  @ApiProperty({ example: 'c_7Hn2kQp9ZrT4xVb1Lm' })
  conversation_id!: string;

  @ApiProperty({ example: 'Trip planning' })
  title!: string;

  @ApiProperty({ example: '2026-11-27T09:00:00.000Z' })
  created_at!: string;

  @ApiProperty({ example: '2026-11-27T09:05:00.000Z' })
  updated_at!: string;

  @ApiProperty({ example: 4 })
  message_count!: number;
}

export class ConversationDto {
  @ApiProperty({ example: 'c_7Hn2kQp9ZrT4xVb1Lm' })
  conversation_id!: string;

  @ApiProperty({ example: 'Trip planning' })
  title!: string;

  @ApiProperty({ example: '2026-11-27T09:00:00.000Z' })
  created_at!: string;

  @ApiProperty({ example: '2026-11-27T09:05:00.000Z' })
  updated_at!: string;

  @ApiProperty({ type: [StoredMessageDto] })
  messages!: StoredMessageDto[];
}

export class ConversationPageDto {
  @ApiProperty({ type: [ConversationSummaryDto] })
  items!: ConversationSummaryDto[];

  @ApiProperty({ type: String, nullable: true, example: null })
  next_cursor!: string | null;
}
