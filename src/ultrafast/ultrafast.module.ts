import { Module } from '@nestjs/common';
import { ChatModule } from '../chat/chat.module.js';
import { AnswerCacheService } from './answer-cache.service.js';
import { UltrafastChatService } from './ultrafast-chat.service.js';
import { UltrafastController } from './ultrafast.controller.js';

@Module({
  imports: [ChatModule],
  controllers: [UltrafastController],
  providers: [AnswerCacheService, UltrafastChatService],
  exports: [UltrafastChatService],
})
export class UltrafastModule {}
