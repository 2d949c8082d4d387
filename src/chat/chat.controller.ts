import { Body, Controller } from '@nestjs/common';
import { Principal } from '../auth/principal.decorator.js';
import { ChatEndpoint } from './chat-endpoint.decorator.js';
import { DirectChatService } from './direct-chat.service.js';
import { ChatRequest } from './dto/chat-request.dto.js';
import { ChatResponse } from './dto/chat-response.dto.js';
import { MessageLengthPipe } from './message-length.pipe.js';

@Controller('api/v1/chat')
export class ChatController {
  constructor(private readonly direct: DirectChatService) {}

  @ChatEndpoint('direct', 'direct_llm: the conversation so far and the message → the default model')
  reply(
    @Principal() principal: string,
    @Body(MessageLengthPipe) request: ChatRequest,
  ): Promise<ChatResponse> {
    return this.direct.reply(principal, request);
  }
}
