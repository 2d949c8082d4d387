import { Body, Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Principal } from '../auth/principal.decorator.js';
import { ApiErrorResponses, STORE_UNAVAILABLE } from '../common/api-error-responses.js';
import { DirectChatService } from '../direct/direct-chat.service.js';
import { McpAgentService } from '../mcp/mcp-agent.service.js';
import { OrchestratedChatService } from '../orchestration/orchestrated-chat.service.js';
import { rawHttp } from '../common/request-id.js';
import { DEFAULT_CONVERSATION_ID } from '../conversations/conversation-keys.js';
import { TurnResponder } from '../turn-http/turn-responder.js';
import { ChatExecutor, TurnRequest } from '../turns/turn.types.js';
import { UltrafastChatService } from '../ultrafast/ultrafast-chat.service.js';
import { ApiChatRequestBody, CHAT_BAD_REQUEST, ChatEndpoint } from './chat-endpoint.decorator.js';
import { toRouteDecisionDto } from './chat-response.mapper.js';
import { ChatRequest } from './dto/chat-request.dto.js';
import { OrchestratedChatResponse } from './dto/chat-response.dto.js';
import { RouteDecisionDto } from './dto/route-decision.dto.js';
import { MessageLengthPipe } from './message-length.pipe.js';
import { CHAT_API_FORMAT } from './chat-api.format.js';

/** The chat endpoints: each hands the request and its route's executor to the turn flow. */
@ApiTags('chat')
@ApiBearerAuth()
@Controller('api/v1/chat')
export class ChatController {
  constructor(
    private readonly responder: TurnResponder,
    private readonly direct: DirectChatService,
    private readonly agent: McpAgentService,
    private readonly ultrafast: UltrafastChatService,
    private readonly orchestrated: OrchestratedChatService,
  ) {}

  @ChatEndpoint('direct', {
    summary: 'Chat with the default model (direct_llm)',
    description:
      'The conversation so far and the message go to the default model; the answer and the message ' +
      'are stored together as one turn.',
    example: 'What is the capital of France?',
  })
  chatDirect(
    @Principal() principal: string,
    @Body(MessageLengthPipe) request: ChatRequest,
    @Req() req: unknown,
    @Res() res: unknown,
  ): Promise<void> {
    return this.reply(req, res, principal, request, this.direct);
  }

  @ChatEndpoint('mcp-agent', {
    summary: 'Chat with tools: an agent loop over the MCP servers’ tools (needs_tools)',
    description:
      'The default model calls the connected MCP servers’ tools (GET /api/v1/tools lists them) until ' +
      'it answers or AGENT_MAX_STEPS runs out. `tool_calls` lists every call, in order.',
    example: 'List the files in the workspace',
  })
  chatMcpAgent(
    @Principal() principal: string,
    @Body(MessageLengthPipe) request: ChatRequest,
    @Req() req: unknown,
    @Res() res: unknown,
  ): Promise<void> {
    return this.reply(req, res, principal, request, this.agent);
  }

  @ChatEndpoint('ultrafast', {
    summary: 'Quick answer: the fast model and the shared response cache (ultra_fast)',
    description:
      'The fast model, the last ULTRAFAST_WINDOW_MESSAGES sent only when the message depends on them, ' +
      'and a response cache shared by every instance: a hit answers `cached: true` with zero usage.',
    example: 'What is the boiling point of water?',
  })
  chatUltrafast(
    @Principal() principal: string,
    @Body(MessageLengthPipe) request: ChatRequest,
    @Req() req: unknown,
    @Res() res: unknown,
  ): Promise<void> {
    return this.reply(req, res, principal, request, this.ultrafast);
  }

  @ChatEndpoint('orchestrated', {
    summary: 'Routed chat: the service picks the route for the message',
    description:
      'Analyses the message and the recent history, then runs direct_llm, needs_tools, ultra_fast ' +
      'or complex (plan, run the steps, synthesise). `routing` says which and why; `steps` and ' +
      '`tool_calls` appear on the routes that have them.',
    example: 'What is the capital of France?',
    response: OrchestratedChatResponse,
  })
  chatOrchestrated(
    @Principal() principal: string,
    @Body(MessageLengthPipe) request: ChatRequest,
    @Req() req: unknown,
    @Res() res: unknown,
  ): Promise<void> {
    return this.reply(req, res, principal, request, this.orchestrated);
  }

  @Post('orchestrated/route')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Dry run of routing: the decision only, nothing stored',
    description:
      'Reads the conversation’s history exactly as POST /api/v1/chat/orchestrated would and returns ' +
      'its routing decision with every route’s score. No answer is generated and nothing is stored; ' +
      'the fast model is asked only when the local analysis is unsure and ROUTER_LLM=on. `stream` ' +
      'is accepted and ignored: the decision is always one JSON body.',
  })
  @ApiChatRequestBody('Analyze my codebase and create a summary report')
  @ApiOkResponse({ type: RouteDecisionDto, description: 'The routing decision' })
  @ApiErrorResponses([400, 401, 404, 413, 415, 429, 503], {
    400: CHAT_BAD_REQUEST,
    503: { store_unavailable: STORE_UNAVAILABLE },
  })
  async routeOrchestrated(
    @Principal() principal: string,
    @Body(MessageLengthPipe) request: ChatRequest,
  ): Promise<RouteDecisionDto> {
    return toRouteDecisionDto(await this.orchestrated.dryRun(principal, turnRequest(request)));
  }

  /** The adapter's response stays in hand for JSON; a stream is written on Node's own response. */
  private reply<Prefetched>(
    req: unknown,
    res: unknown,
    principal: string,
    request: ChatRequest,
    executor: ChatExecutor<Prefetched>,
  ): Promise<void> {
    return this.responder.respond({ reply: res, ...rawHttp(req, res) }, principal, {
      request: turnRequest(request),
      executor,
      stream: request.stream === true,
      identity: [request.conversation_id ?? DEFAULT_CONVERSATION_ID, request.message],
      format: CHAT_API_FORMAT,
    });
  }
}

function turnRequest(request: ChatRequest): TurnRequest {
  return { message: request.message, conversationId: request.conversation_id };
}
