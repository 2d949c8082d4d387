import { Body, Controller } from '@nestjs/common';
import { Principal } from '../auth/principal.decorator.js';
import { ChatEndpoint } from '../chat/chat-endpoint.decorator.js';
import { ChatRequest } from '../chat/dto/chat-request.dto.js';
import { ChatResponse } from '../chat/dto/chat-response.dto.js';
import { MessageLengthPipe } from '../chat/message-length.pipe.js';
import { UltrafastChatService } from './ultrafast-chat.service.js';

@Controller('api/v1/chat')
export class UltrafastController {
  constructor(private readonly ultrafast: UltrafastChatService) {}

  @ChatEndpoint(
    'ultrafast',
    'ultra_fast: the fast model, a short window and the shared response cache (cached: true on a hit)',
  )
  reply(
    @Principal() principal: string,
    @Body(MessageLengthPipe) request: ChatRequest,
  ): Promise<ChatResponse> {
    return this.ultrafast.reply(principal, request);
  }
}
