import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { DECIDERS, type DecidedBy, type Route, ROUTES } from '../../routing/routing.types.js';

export class UsageDto {
  @ApiProperty({ type: 'integer', minimum: 0, example: 412 })
  input_tokens!: number;

  @ApiProperty({ type: 'integer', minimum: 0, example: 96 })
  output_tokens!: number;
}

export class ToolCallDto {
  @ApiProperty({ example: 'toolu_01A2b3C4d5E6f7G8h9' })
  id!: string;

  @ApiProperty({ example: 'fs', description: 'The MCP server that ran the tool' })
  server!: string;

  @ApiProperty({ example: 'list_directory', description: 'The server’s own tool name' })
  name!: string;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'The arguments the model passed',
    example: { path: '.' },
  })
  input!: unknown;

  @ApiProperty({ example: false, description: 'The call failed; the error went back to the model' })
  is_error!: boolean;

  @ApiProperty({
    example: '[FILE] README.md\n[DIR] src',
    description: 'The start of the result (at most 500 characters)',
  })
  output_preview!: string;

  @ApiProperty({ type: 'integer', minimum: 0, example: 3 })
  duration_ms!: number;
}

export class StepDto {
  @ApiProperty({ type: 'integer', minimum: 1, example: 1, description: 'Position in the plan' })
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

  @ApiProperty({ minimum: 0, maximum: 1, example: 0.91, description: 'Calibrated, 0 to 1' })
  confidence!: number;

  @ApiProperty({ enum: DECIDERS, example: 'classifier' })
  decided_by!: DecidedBy;

  @ApiProperty({
    example: false,
    description: 'The message depends on the earlier turns, so they are sent to the model',
  })
  needs_history!: boolean;

  @ApiProperty({ example: 'multi-step cue and file references' })
  reason!: string;
}

/** The one response body of every chat endpoint. */
export class ChatResponse {
  @ApiProperty({ example: 'default', description: 'The conversation the turn was stored in' })
  conversation_id!: string;

  @ApiProperty({ example: 'm_3kTq8ZpV1yQeWmB0aL', description: 'The id of the stored answer' })
  message_id!: string;

  @ApiProperty({
    example: 'The capital of France is Paris.',
    description: 'All the text the model wrote for the answer (on complex, the synthesis)',
  })
  response!: string;

  @ApiProperty({ enum: ROUTES, example: 'direct_llm', description: 'The route that answered' })
  route!: Route;

  @ApiProperty({ example: 'claude-sonnet-5-5', description: 'The model that wrote the answer' })
  model!: string;

  @ApiProperty({
    example: false,
    description: 'Served from the ultrafast response cache (then usage is zero)',
  })
  cached!: boolean;

  @ApiProperty({ type: UsageDto, description: 'Summed over every model call of the turn' })
  usage!: UsageDto;

  @ApiPropertyOptional({
    type: [ToolCallDto],
    description:
      'Present (possibly empty) when the route is needs_tools or complex: every tool call, in ' +
      'order; absent on the other routes',
  })
  tool_calls?: ToolCallDto[];

  @ApiPropertyOptional({
    type: [StepDto],
    description: 'Present when the route is complex: every planned step; absent otherwise',
  })
  steps?: StepDto[];

  @ApiPropertyOptional({
    type: RoutingDto,
    description: 'Present on the orchestrated endpoint: the routing decision; absent on the others',
  })
  routing?: RoutingDto;

  @ApiProperty({
    enum: ['end_turn', 'max_tokens', 'budget'],
    example: 'end_turn',
    description: 'Whether the answer is complete or was cut by a limit',
  })
  stop_reason!: 'end_turn' | 'max_tokens' | 'budget';

  @ApiProperty({ type: 'integer', minimum: 0, example: 840, description: 'Time to answer' })
  latency_ms!: number;
}

/** `/chat/orchestrated`'s answer: a ChatResponse that always says how it was routed. */
export class OrchestratedChatResponse extends ChatResponse {
  @ApiProperty({
    type: RoutingDto,
    required: true,
    description: 'The routing decision: route, confidence, who decided and why',
  })
  declare routing: RoutingDto;
}
