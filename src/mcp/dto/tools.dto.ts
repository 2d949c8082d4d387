import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ServerSnapshot } from '../mcp-connection.js';

export class McpToolDto {
  @ApiProperty({ example: 'list_directory', description: 'The server’s own tool name' })
  name!: string;

  @ApiProperty({ example: 'Get a detailed listing of all files and directories in a path.' })
  description!: string;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'JSON Schema of the tool’s input',
    example: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] },
  })
  input_schema!: Record<string, unknown>;
}

export class McpServerDto {
  @ApiProperty({ example: 'fs' })
  name!: string;

  @ApiProperty({ enum: ['connected', 'failed', 'disabled'], example: 'connected' })
  status!: 'connected' | 'failed' | 'disabled';

  @ApiProperty({ type: [McpToolDto], description: 'The allowed tools; empty unless connected' })
  tools!: McpToolDto[];

  @ApiPropertyOptional({
    example: 'connection lost: fetch failed',
    description: 'Why a failed server is not connected (it is retried with backoff)',
  })
  error?: string;
}

export class ToolsResponse {
  @ApiProperty({ type: [McpServerDto], description: 'Every configured server, in config order' })
  servers!: McpServerDto[];
}

export function toServerDto({ name, status, tools, error }: ServerSnapshot): McpServerDto {
  return {
    name,
    status,
    tools: tools.map((tool) => ({
      name: tool.name,
      description: tool.description ?? '',
      input_schema: tool.inputSchema,
    })),
    ...(error !== undefined && { error }),
  };
}
