import { Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { McpAgentService } from './mcp-agent.service.js';
import { loadMcpServerSpecs, MCP_SERVER_SPECS } from './mcp-config.js';
import { McpRegistry } from './mcp-registry.service.js';
import { ToolsController } from './tools.controller.js';

@Module({
  controllers: [ToolsController],
  providers: [
    {
      provide: MCP_SERVER_SPECS,
      useFactory: (config: AppConfig) => loadMcpServerSpecs(config.mcp),
      inject: [AppConfig],
    },
    McpRegistry,
    McpAgentService,
  ],
  exports: [McpAgentService],
})
export class McpModule {}
