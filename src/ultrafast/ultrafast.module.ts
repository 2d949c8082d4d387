import { Module } from '@nestjs/common';
import { AnswerCacheService } from './answer-cache.service.js';
import { AnswerCacheStore } from './answer-cache.store.js';
import { UltrafastChatService } from './ultrafast-chat.service.js';

@Module({
  providers: [AnswerCacheStore, AnswerCacheService, UltrafastChatService],
  exports: [UltrafastChatService],
})
export class UltrafastModule {}
