import { Module } from '@nestjs/common';
import { ConversationsModule } from '../conversations/conversations.module.js';
import { RateLimitModule } from '../rate-limit/rate-limit.module.js';
import { ChatTurnService } from './chat-turn.service.js';
import { IdempotencyStore } from './idempotency.store.js';

@Module({
  imports: [ConversationsModule, RateLimitModule],
  providers: [ChatTurnService, IdempotencyStore],
  exports: [ChatTurnService],
})
export class TurnsModule {}
