import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  Allow,
  IsArray,
  IsBoolean,
  IsInt,
  IsNotEmpty,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Max,
  Min,
} from 'class-validator';
import { BodyLimits } from '../../common/json-body-check.js';

/**
 * OpenAI's chat completion request, as the official SDKs and chat front ends send it. Every parameter
 * they send is declared, so none is refused as unknown; the ones we cannot honour are refused by name
 * when used (see completion-request.ts), the ones that only tune sampling or billing are accepted and
 * ignored. A conversation can be a few hundred messages long, hence the larger body limits.
 */
@BodyLimits({ maxDepth: 8, maxValues: 20_000 })
export class ChatCompletionRequest {
  @ApiProperty({
    example: 'orchestrated',
    description: 'orchestrated, direct, ultrafast or mcp-agent',
  })
  @IsString()
  @IsNotEmpty()
  model!: string;

  @ApiProperty({
    type: 'array',
    items: { type: 'object', additionalProperties: true },
    example: [{ role: 'user', content: 'What is the capital of France?' }],
    description:
      '`system`/`developer` messages add to the system prompt; the last message must be `user`. ' +
      'Content is a string or an array of text parts.',
  })
  @IsArray()
  messages!: unknown[];

  @ApiPropertyOptional({ description: 'Server-Sent Events of chat.completion.chunk, then [DONE]' })
  @IsOptional()
  @IsBoolean()
  stream?: boolean;

  @ApiPropertyOptional({ example: { include_usage: true } })
  @IsOptional()
  @IsObject()
  stream_options?: { include_usage?: boolean };

  @ApiPropertyOptional({ type: 'integer', minimum: 1 })
  @IsOptional()
  @IsInt()
  @Min(1)
  max_tokens?: number;

  @ApiPropertyOptional({ type: 'integer', minimum: 1 })
  @IsOptional()
  @IsInt()
  @Min(1)
  max_completion_tokens?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 2, description: 'Clamped to the model’s 0..1' })
  @IsOptional()
  @IsNumber()
  @Min(0)
  @Max(2)
  temperature?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 1 })
  @IsOptional()
  @IsNumber()
  @Min(0)
  @Max(1)
  top_p?: number;

  @ApiPropertyOptional({
    oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' }, maxItems: 4 }],
  })
  @IsOptional()
  @Allow()
  stop?: string | string[];

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string' },
    example: { conversation_id: 'default' },
    description:
      'With `conversation_id`, the turn continues that conversation (yours, else 404): only the last ' +
      'user message is taken, the history comes from the conversation and the turn is stored.',
  })
  @IsOptional()
  @IsObject()
  metadata?: Record<string, string>;

  @ApiPropertyOptional({ type: 'integer', description: 'Only 1' })
  @IsOptional()
  @Allow()
  n?: number;

  // Refused when used: client-side tools, log probabilities, other modalities and formats.
  @IsOptional() @Allow() tools?: unknown;
  @IsOptional() @Allow() functions?: unknown;
  @IsOptional() @Allow() tool_choice?: unknown;
  @IsOptional() @Allow() function_call?: unknown;
  @IsOptional() @Allow() logprobs?: unknown;
  @IsOptional() @Allow() top_logprobs?: unknown;
  @IsOptional() @Allow() response_format?: unknown;
  @IsOptional() @Allow() audio?: unknown;
  @IsOptional() @Allow() modalities?: unknown;
  @IsOptional() @Allow() web_search_options?: unknown;

  // Accepted and ignored: identification, storage and sampling details the model does not take.
  @IsOptional() @Allow() user?: unknown;
  @IsOptional() @Allow() store?: unknown;
  @IsOptional() @Allow() seed?: unknown;
  @IsOptional() @Allow() frequency_penalty?: unknown;
  @IsOptional() @Allow() presence_penalty?: unknown;
  @IsOptional() @Allow() logit_bias?: unknown;
  @IsOptional() @Allow() parallel_tool_calls?: unknown;
  @IsOptional() @Allow() service_tier?: unknown;
  @IsOptional() @Allow() reasoning_effort?: unknown;
  @IsOptional() @Allow() prediction?: unknown;
  @IsOptional() @Allow() prompt_cache_key?: unknown;
  @IsOptional() @Allow() safety_identifier?: unknown;
  @IsOptional() @Allow() verbosity?: unknown;
}
