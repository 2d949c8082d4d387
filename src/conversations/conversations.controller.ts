import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';
import { Principal } from '../auth/principal.decorator.js';
import { ApiErrorResponses } from '../common/api-error-responses.js';
import { ConversationIdPipe } from './conversation-id.pipe.js';
import { ConversationService } from './conversation.service.js';
import {
  ConversationDto,
  ConversationPageDto,
  ConversationSummaryDto,
  CreateConversationRequest,
  ListConversationsQuery,
  RenameConversationRequest,
} from './dto/conversation.dto.js';

@ApiTags('conversations')
@ApiBearerAuth()
@ApiErrorResponses(400, 401, 404, 503)
@Controller('api/v1/conversations')
export class ConversationsController {
  constructor(private readonly conversations: ConversationService) {}

  @Post()
  @ApiCreatedResponse({ type: ConversationSummaryDto })
  create(
    @Principal() principal: string,
    @Body() body: CreateConversationRequest,
  ): Promise<ConversationSummaryDto> {
    return this.conversations.create(principal, body.title);
  }

  @Get()
  @ApiOkResponse({ type: ConversationPageDto, description: 'Newest first (by updated_at)' })
  list(
    @Principal() principal: string,
    @Query() query: ListConversationsQuery,
  ): Promise<ConversationPageDto> {
    return this.conversations.list(principal, query.limit, query.cursor);
  }

  @Get(':id')
  @ApiOkResponse({ type: ConversationDto })
  get(
    @Principal() principal: string,
    @Param('id', ConversationIdPipe) id: string,
  ): Promise<ConversationDto> {
    return this.conversations.get(principal, id);
  }

  @Patch(':id')
  @ApiOkResponse({ type: ConversationSummaryDto })
  rename(
    @Principal() principal: string,
    @Param('id', ConversationIdPipe) id: string,
    @Body() body: RenameConversationRequest,
  ): Promise<ConversationSummaryDto> {
    return this.conversations.rename(principal, id, body.title);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Deleted (the default conversation is emptied)' })
  delete(
    @Principal() principal: string,
    @Param('id', ConversationIdPipe) id: string,
  ): Promise<void> {
    return this.conversations.delete(principal, id);
  }
}
