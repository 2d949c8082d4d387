import { Module } from '@nestjs/common';
import { ConversationService } from './conversation.service.js';
import { ConversationsController } from './conversations.controller.js';

@Module({
  controllers: [ConversationsController],
  providers: [ConversationService],
  exports: [ConversationService],
})
export class ConversationsModule {}
