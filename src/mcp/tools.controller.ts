import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrorResponses } from '../common/api-error-responses.js';
import { ToolsResponse } from './dto/tools.dto.js';
import { McpRegistry } from './mcp-registry.service.js';

@ApiTags('tools')
@ApiBearerAuth()
@Controller('api/v1/tools')
export class ToolsController {
  constructor(private readonly registry: McpRegistry) {}

  @Get()
  @ApiOperation({
    summary: 'List the MCP servers, their state and their allowed tools',
    description:
      'Every configured server in config order: connected (with the tools the agent may call), ' +
      'failed (with the error; retried with backoff) or disabled.',
  })
  @ApiOkResponse({ type: ToolsResponse, description: 'Every configured server' })
  @ApiErrorResponses([401, 429])
  listTools(): ToolsResponse {
    return this.registry.describeServers();
  }
}
