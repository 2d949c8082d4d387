import { ApiProperty } from '@nestjs/swagger';
import { type Route, ROUTES } from '../../routing/routing.types.js';

/** `event: start`: the route and model are chosen; the answer's id is known. */
export class StartEventDto {
  @ApiProperty({ example: 'default' })
  conversation_id!: string;

  @ApiProperty({
    example: 'm_3kTq8ZpV1yQeWmB0aL',
    description: 'The id the stored answer will have',
  })
  message_id!: string;

  @ApiProperty({ enum: ROUTES, example: 'direct_llm' })
  route!: Route;

  @ApiProperty({ example: 'claude-sonnet-5-5' })
  model!: string;
}

/** `event: delta`: the next piece of the answer; all deltas concatenated are `done.response`. */
export class DeltaEventDto {
  @ApiProperty({ example: 'The capital of France' })
  text!: string;
}

/** `event: tool_call`: a tool call starts. */
export class ToolCallEventDto {
  @ApiProperty({ example: 'toolu_01A2b3C4d5E6f7G8h9' })
  id!: string;

  @ApiProperty({ example: 'fs' })
  server!: string;

  @ApiProperty({ example: 'list_directory' })
  name!: string;

  @ApiProperty({ type: 'object', additionalProperties: true, example: { path: '.' } })
  input!: unknown;
}

/** `event: tool_result`: that tool call ended. */
export class ToolResultEventDto {
  @ApiProperty({ example: 'toolu_01A2b3C4d5E6f7G8h9' })
  id!: string;

  @ApiProperty({ example: false })
  is_error!: boolean;

  @ApiProperty({ example: '[FILE] README.md' })
  output_preview!: string;

  @ApiProperty({ type: 'integer', example: 3 })
  duration_ms!: number;
}

/** `event: step`: a complex turn's step starts (`running`) or ends. */
export class StepEventDto {
  @ApiProperty({ type: 'integer', example: 1 })
  index!: number;

  @ApiProperty({ example: 'List the source files' })
  title!: string;

  @ApiProperty({ enum: ['running', 'done', 'failed', 'skipped'], example: 'running' })
  status!: 'running' | 'done' | 'failed' | 'skipped';
}

/** `event: error`: the turn failed after `start`; nothing was stored. The stream then ends. */
export class ErrorEventDto {
  @ApiProperty({ type: 'integer', example: 502 })
  statusCode!: number;

  @ApiProperty({ example: 'The model provider failed: status 529' })
  message!: string | string[];

  @ApiProperty({ example: '6f1c2f8e-3d4b-4d8e-9a51-1f0c7e2b9a10' })
  request_id!: string;
}
