import { Body, Controller } from '@nestjs/common';
import { Principal } from '../auth/principal.decorator.js';
import { ChatEndpoint } from '../chat/chat-endpoint.decorator.js';
import { ChatRequest } from '../chat/dto/chat-request.dto.js';
import { ChatResponse } from '../chat/dto/chat-response.dto.js';
import { MessageLengthPipe } from '../chat/message-length.pipe.js';
import { McpAgentService } from './mcp-agent.service.js';

@Controller('api/v1/chat')
export class McpAgentController {
  constructor(private readonly agent: McpAgentService) {}

  @ChatEndpoint('mcp-agent', 'needs_tools: a tool-use loop over the connected MCP servers’ tools')
  reply(
    @Principal() principal: string,
    @Body(MessageLengthPipe) request: ChatRequest,
  ): Promise<ChatResponse> {
    return this.agent.reply(principal, request);
  }
}
