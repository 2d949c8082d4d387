import { Module } from '@nestjs/common';
import { ConversationService } from './conversation.service.js';
import { ConversationStore } from './conversation.store.js';
import { ConversationsController } from './conversations.controller.js';

@Module({
  controllers: [ConversationsController],
  providers: [ConversationStore, ConversationService],
  exports: [ConversationService],
})
export class ConversationsModule {}
