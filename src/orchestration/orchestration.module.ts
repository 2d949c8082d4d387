import { Module } from '@nestjs/common';
import { ChatModule } from '../chat/chat.module.js';
import { DirectChatService } from '../chat/direct-chat.service.js';
import { ConversationsModule } from '../conversations/conversations.module.js';
import { McpAgentService } from '../mcp/mcp-agent.service.js';
import { McpModule } from '../mcp/mcp.module.js';
import { UltrafastChatService } from '../ultrafast/ultrafast-chat.service.js';
import { UltrafastModule } from '../ultrafast/ultrafast.module.js';
import { ComplexOrchestrator } from './complex/complex-orchestrator.service.js';
import { OrchestratedChatController } from './orchestrated-chat.controller.js';
import { OrchestratedChatService } from './orchestrated-chat.service.js';
import { ROUTE_EXECUTORS, routeExecutors } from './route-executors.js';

@Module({
  imports: [ChatModule, ConversationsModule, McpModule, UltrafastModule],
  controllers: [OrchestratedChatController],
  providers: [
    ComplexOrchestrator,
    OrchestratedChatService,
    {
      provide: ROUTE_EXECUTORS,
      useFactory: routeExecutors,
      inject: [DirectChatService, McpAgentService, UltrafastChatService, ComplexOrchestrator],
    },
  ],
})
export class OrchestrationModule {}
