import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Principal } from '../auth/principal.decorator.js';
import { ApiErrorResponses } from '../common/api-error-responses.js';
import { DirectChatService } from '../direct/direct-chat.service.js';
import { McpAgentService } from '../mcp/mcp-agent.service.js';
import { OrchestratedChatService } from '../orchestration/orchestrated-chat.service.js';
import { ChatTurnService } from '../turns/chat-turn.service.js';
import { ChatExecutor, TurnRequest } from '../turns/turn.types.js';
import { UltrafastChatService } from '../ultrafast/ultrafast-chat.service.js';
import { ChatEndpoint } from './chat-endpoint.decorator.js';
import { toChatResponse, toRouteDecisionDto } from './chat-response.mapper.js';
import { ChatRequest } from './dto/chat-request.dto.js';
import { ChatResponse } from './dto/chat-response.dto.js';
import { RouteDecisionDto } from './dto/route-decision.dto.js';
import { MessageLengthPipe } from './message-length.pipe.js';

/** The chat endpoints: each hands the request and its route's executor to the turn flow. */
@ApiTags('chat')
@ApiBearerAuth()
@Controller('api/v1/chat')
export class ChatController {
  constructor(
    private readonly turns: ChatTurnService,
    private readonly direct: DirectChatService,
    private readonly agent: McpAgentService,
    private readonly ultrafast: UltrafastChatService,
    private readonly orchestrated: OrchestratedChatService,
  ) {}

  @ChatEndpoint('direct', 'direct_llm: the conversation so far and the message → the default model')
  chatDirect(
    @Principal() principal: string,
    @Body(MessageLengthPipe) request: ChatRequest,
  ): Promise<ChatResponse> {
    return this.reply(principal, request, this.direct);
  }

  @ChatEndpoint('mcp-agent', 'needs_tools: a tool-use loop over the connected MCP servers’ tools')
  chatMcpAgent(
    @Principal() principal: string,
    @Body(MessageLengthPipe) request: ChatRequest,
  ): Promise<ChatResponse> {
    return this.reply(principal, request, this.agent);
  }

  @ChatEndpoint(
    'ultrafast',
    'ultra_fast: the fast model, a short window and the shared response cache (cached: true on a hit)',
  )
  chatUltrafast(
    @Principal() principal: string,
    @Body(MessageLengthPipe) request: ChatRequest,
  ): Promise<ChatResponse> {
    return this.reply(principal, request, this.ultrafast);
  }

  @ChatEndpoint(
    'orchestrated',
    'Analyses the message and runs direct_llm, needs_tools, ultra_fast or complex; `routing` says why',
  )
  chatOrchestrated(
    @Principal() principal: string,
    @Body(MessageLengthPipe) request: ChatRequest,
  ): Promise<ChatResponse> {
    return this.reply(principal, request, this.orchestrated);
  }

  @Post('orchestrated/route')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Dry run: the routing decision only; nothing stored, no answer generated',
  })
  @ApiOkResponse({ type: RouteDecisionDto })
  @ApiErrorResponses(400, 401, 404, 413, 415, 503)
  async routeOrchestrated(
    @Principal() principal: string,
    @Body(MessageLengthPipe) request: ChatRequest,
  ): Promise<RouteDecisionDto> {
    return toRouteDecisionDto(await this.orchestrated.dryRun(principal, turnRequest(request)));
  }

  private async reply<Prefetched>(
    principal: string,
    request: ChatRequest,
    executor: ChatExecutor<Prefetched>,
  ): Promise<ChatResponse> {
    return toChatResponse(await this.turns.run(principal, turnRequest(request), executor));
  }
}

function turnRequest(request: ChatRequest): TurnRequest {
  return { message: request.message, conversationId: request.conversation_id };
}
