import { Module } from '@nestjs/common';
import { ConversationsModule } from '../conversations/conversations.module.js';
import { ChatTurnService } from './chat-turn.service.js';
import { ChatController } from './chat.controller.js';
import { DirectChatService } from './direct-chat.service.js';
import { MessageLengthPipe } from './message-length.pipe.js';

@Module({
  imports: [ConversationsModule],
  controllers: [ChatController],
  providers: [ChatTurnService, DirectChatService, MessageLengthPipe],
  exports: [ChatTurnService, DirectChatService, MessageLengthPipe],
})
export class ChatModule {}
