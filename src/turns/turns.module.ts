import { Module } from '@nestjs/common';
import { ConversationsModule } from '../conversations/conversations.module.js';
import { ChatTurnService } from './chat-turn.service.js';

@Module({
  imports: [ConversationsModule],
  providers: [ChatTurnService],
  exports: [ChatTurnService],
})
export class TurnsModule {}
