import { Module } from '@nestjs/common';
import { ConversationsModule } from '../conversations/conversations.module.js';
import { DirectChatService } from '../direct/direct-chat.service.js';
import { DirectModule } from '../direct/direct.module.js';
import { McpAgentService } from '../mcp/mcp-agent.service.js';
import { McpModule } from '../mcp/mcp.module.js';
import { UltrafastChatService } from '../ultrafast/ultrafast-chat.service.js';
import { UltrafastModule } from '../ultrafast/ultrafast.module.js';
import { ComplexOrchestrator } from './complex/complex-orchestrator.service.js';
import {
  OrchestratedChatService,
  ROUTE_EXECUTORS,
  routeExecutors,
} from './orchestrated-chat.service.js';
import { RouteDecider } from './router/route-decider.service.js';
import { RoutingDecisionCache } from './router/routing-decision.cache.js';

@Module({
  imports: [ConversationsModule, DirectModule, McpModule, UltrafastModule],
  providers: [
    ComplexOrchestrator,
    RoutingDecisionCache,
    RouteDecider,
    OrchestratedChatService,
    {
      provide: ROUTE_EXECUTORS,
      useFactory: routeExecutors,
      inject: [DirectChatService, McpAgentService, UltrafastChatService, ComplexOrchestrator],
    },
  ],
  exports: [OrchestratedChatService],
})
export class OrchestrationModule {}
