import { Module } from '@nestjs/common';
import { DirectModule } from '../direct/direct.module.js';
import { McpModule } from '../mcp/mcp.module.js';
import { OrchestrationModule } from '../orchestration/orchestration.module.js';
import { TurnHttpModule } from '../turn-http/turn-http.module.js';
import { UltrafastModule } from '../ultrafast/ultrafast.module.js';
import { ChatController } from './chat.controller.js';
import { MessageLengthPipe } from './message-length.pipe.js';

/** The chat door: every chat endpoint over the route executors and the shared turn flow. */
@Module({
  imports: [TurnHttpModule, DirectModule, McpModule, UltrafastModule, OrchestrationModule],
  controllers: [ChatController],
  providers: [MessageLengthPipe],
})
export class ChatModule {}
