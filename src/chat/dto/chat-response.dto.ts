import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { DECIDERS, type DecidedBy, type Route, ROUTES } from '../../routing/routing.types.js';

export class UsageDto {
  @ApiProperty({ example: 412 })
  input_tokens!: number;

  @ApiProperty({ example: 96 })
  output_tokens!: number;
}

export class ToolCallDto {
  @ApiProperty({ example: 'toolu_01A2b3C4d5E6f7G8h9' })
  id!: string;

  @ApiProperty({ example: 'fs' })
  server!: string;

  @ApiProperty({ example: 'list_directory' })
  name!: string;

  @ApiProperty({ type: 'object', additionalProperties: true, example: { path: '.' } })
  input!: unknown;

  @ApiProperty({ example: false })
  is_error!: boolean;

  @ApiProperty({ example: '[FILE] README.md\n[DIR] src' })
  output_preview!: string;

  @ApiProperty({ example: 3 })
  duration_ms!: number;
}

export class StepDto {
  @ApiProperty({ example: 1 })
  index!: number;

  @ApiProperty({ example: 'List the source files' })
  title!: string;

  @ApiProperty({ enum: ['done', 'failed', 'skipped'], example: 'done' })
  status!: 'done' | 'failed' | 'skipped';

  @ApiProperty({ example: 'src/ holds 12 modules…' })
  output_preview!: string;
}

export class RoutingDto {
  @ApiProperty({ enum: ROUTES, example: 'complex' })
  route!: Route;

  @ApiProperty({ example: 0.91 })
  confidence!: number;

  @ApiProperty({ enum: DECIDERS, example: 'classifier' })
  decided_by!: DecidedBy;

  @ApiProperty({ example: false })
  needs_history!: boolean;

  @ApiProperty({ example: 'multi-step cue and file references' })
  reason!: string;
}

/** The one response body of every chat endpoint. */
export class ChatResponse {
  @ApiProperty({ example: 'c_7Hn2kQp9ZrT4xVb1Lm' })
  conversation_id!: string;

  @ApiProperty({ example: 'm_3kTq8ZpV1yQeWmB0aL', description: 'The id of the stored answer' })
  message_id!: string;

  @ApiProperty({ example: 'The capital of France is Paris.' })
  response!: string;

  @ApiProperty({ enum: ROUTES, example: 'direct_llm' })
  route!: Route;

  @ApiProperty({ example: 'claude-sonnet-5-5', description: 'The model that wrote the answer' })
  model!: string;

  @ApiProperty({ example: false, description: 'Served from the ultrafast response cache' })
  cached!: boolean;

  @ApiProperty({ type: UsageDto, description: 'Summed over every model call of the turn' })
  usage!: UsageDto;

  @ApiPropertyOptional({ type: [ToolCallDto], description: 'On needs_tools and complex' })
  tool_calls?: ToolCallDto[];

  @ApiPropertyOptional({ type: [StepDto], description: 'On complex' })
  steps?: StepDto[];

  @ApiPropertyOptional({ type: RoutingDto, description: 'On the orchestrated endpoints' })
  routing?: RoutingDto;

  @ApiProperty({ enum: ['end_turn', 'max_tokens', 'budget'], example: 'end_turn' })
  stop_reason!: 'end_turn' | 'max_tokens' | 'budget';

  @ApiProperty({ example: 840 })
  latency_ms!: number;
}
