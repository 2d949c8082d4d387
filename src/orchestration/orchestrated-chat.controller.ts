import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Principal } from '../auth/principal.decorator.js';
import { ChatEndpoint } from '../chat/chat-endpoint.decorator.js';
import { ChatRequest } from '../chat/dto/chat-request.dto.js';
import { ChatResponse } from '../chat/dto/chat-response.dto.js';
import { MessageLengthPipe } from '../chat/message-length.pipe.js';
import { ApiErrorResponses } from '../common/api-error-responses.js';
import { RouteDecisionDto } from './dto/route-decision.dto.js';
import { OrchestratedChatService } from './orchestrated-chat.service.js';

@Controller('api/v1/chat/orchestrated')
export class OrchestratedChatController {
  constructor(private readonly orchestrated: OrchestratedChatService) {}

  @ChatEndpoint(
    '',
    'Analyses the message and runs direct_llm, needs_tools, ultra_fast or complex; `routing` says why',
  )
  reply(
    @Principal() principal: string,
    @Body(MessageLengthPipe) request: ChatRequest,
  ): Promise<ChatResponse> {
    return this.orchestrated.reply(principal, request);
  }

  @Post('route')
  @HttpCode(200)
  @ApiTags('chat')
  @ApiBearerAuth()
  @ApiOperation({
    summary: 'Dry run: the routing decision only; nothing stored, no answer generated',
  })
  @ApiOkResponse({ type: RouteDecisionDto })
  @ApiErrorResponses(400, 401, 404, 413, 415, 503)
  route(
    @Principal() principal: string,
    @Body(MessageLengthPipe) request: ChatRequest,
  ): Promise<RouteDecisionDto> {
    return this.orchestrated.dryRun(principal, request);
  }
}
