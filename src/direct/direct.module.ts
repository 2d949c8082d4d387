import { Module } from '@nestjs/common';
import { DirectChatService } from './direct-chat.service.js';

@Module({ providers: [DirectChatService], exports: [DirectChatService] })
export class DirectModule {}
