import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrorResponses } from '../common/api-error-responses.js';
import { ToolsResponse } from './dto/tools.dto.js';
import { McpRegistry } from './mcp-registry.service.js';

@ApiTags('tools')
@ApiBearerAuth()
@ApiErrorResponses(401)
@Controller('api/v1/tools')
export class ToolsController {
  constructor(private readonly registry: McpRegistry) {}

  @Get()
  @ApiOperation({ summary: 'The configured MCP servers, their state and their allowed tools' })
  @ApiOkResponse({ type: ToolsResponse })
  list(): ToolsResponse {
    return this.registry.describeServers();
  }
}
