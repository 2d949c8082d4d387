import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import { Principal } from '../auth/principal.decorator.js';
import { ApiErrorResponses } from '../common/api-error-responses.js';
import { ConversationIdPipe } from './conversation-id.pipe.js';
import { ConversationService, UNKNOWN_BEFORE } from './conversation.service.js';
import {
  BAD_CONVERSATION_ID,
  CONVERSATION_ID_PARAM,
  ConversationDto,
  ConversationPageDto,
  ConversationSummaryDto,
  CreateConversationRequest,
  ListConversationsQuery,
  MESSAGE_PAGE_RULES,
  ReadConversationQuery,
  RenameConversationRequest,
  TITLE_RULES,
} from './dto/conversation.dto.js';

@ApiTags('conversations')
@ApiBearerAuth()
@Controller('api/v1/conversations')
export class ConversationsController {
  constructor(private readonly conversations: ConversationService) {}

  @Post()
  @ApiOperation({
    summary: 'Create an empty conversation',
    description:
      'Without a title, the conversation takes the first 60 characters of its first message.',
  })
  @ApiBody({ type: CreateConversationRequest, required: false })
  @ApiCreatedResponse({ type: ConversationSummaryDto, description: 'The new conversation' })
  @ApiErrorResponses([400, 401, 413, 415, 429, 503], { 400: TITLE_RULES })
  createConversation(
    @Principal() principal: string,
    @Body() body: CreateConversationRequest,
  ): Promise<ConversationSummaryDto> {
    return this.conversations.create(principal, body.title);
  }

  @Get()
  @ApiOperation({
    summary: 'List your conversations, newest first',
    description:
      'Sorted by updated_at, newest first, `limit` at a time; pass `next_cursor` back as `cursor` ' +
      'for the next page. The `default` conversation is listed once it has a turn.',
  })
  @ApiOkResponse({ type: ConversationPageDto, description: 'One page of conversations' })
  @ApiErrorResponses([400, 401, 429, 503], {
    400: {
      bad_limit: 'limit must be an integer from 1 to 100',
      limit_too_large: 'limit must not be greater than 100',
      bad_cursor: 'cursor is not valid: pass next_cursor as returned',
    },
  })
  listConversations(
    @Principal() principal: string,
    @Query() query: ListConversationsQuery,
  ): Promise<ConversationPageDto> {
    return this.conversations.list(principal, query.limit, query.cursor);
  }

  @Get(':id')
  @ApiOperation({
    summary: 'Read a conversation and a page of its messages',
    description:
      'The newest `limit` messages (before `before`, when given), oldest first; pass `next_before` ' +
      'back as `before` for the page of older ones. `default` reads as empty before its first turn.',
  })
  @ApiParam(CONVERSATION_ID_PARAM)
  @ApiOkResponse({
    type: ConversationDto,
    description: 'The conversation and one page of its messages, oldest first',
  })
  @ApiErrorResponses([400, 401, 404, 429, 503], {
    400: { ...BAD_CONVERSATION_ID, ...MESSAGE_PAGE_RULES, unknown_before: UNKNOWN_BEFORE },
  })
  getConversation(
    @Principal() principal: string,
    @Param('id', ConversationIdPipe) id: string,
    @Query() query: ReadConversationQuery,
  ): Promise<ConversationDto> {
    return this.conversations.get(principal, id, query.limit, query.before);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Rename a conversation' })
  @ApiParam(CONVERSATION_ID_PARAM)
  @ApiOkResponse({ type: ConversationSummaryDto, description: 'The renamed conversation' })
  @ApiErrorResponses([400, 401, 404, 413, 415, 429, 503], {
    400: { ...TITLE_RULES, ...BAD_CONVERSATION_ID },
  })
  renameConversation(
    @Principal() principal: string,
    @Param('id', ConversationIdPipe) id: string,
    @Body() body: RenameConversationRequest,
  ): Promise<ConversationSummaryDto> {
    return this.conversations.rename(principal, id, body.title);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Delete a conversation',
    description:
      'The conversation and every cache entry built from its history are gone; `default` is ' +
      'emptied instead.',
  })
  @ApiParam(CONVERSATION_ID_PARAM)
  @ApiNoContentResponse({ description: 'Deleted (the default conversation is emptied)' })
  @ApiErrorResponses([400, 401, 404, 429, 503], { 400: BAD_CONVERSATION_ID })
  deleteConversation(
    @Principal() principal: string,
    @Param('id', ConversationIdPipe) id: string,
  ): Promise<void> {
    return this.conversations.delete(principal, id);
  }
}
