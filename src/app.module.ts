import { DynamicModule, Module } from '@nestjs/common';
import { AuthModule } from './auth/auth.module.js';
import { ChatModule } from './chat/chat.module.js';
import { CommonModule } from './common/common.module.js';
import { AppConfig } from './config/app-config.js';
import { ConfigModule } from './config/config.module.js';
import { ConversationsModule } from './conversations/conversations.module.js';
import { HealthModule } from './health/health.module.js';
import { LLMModule } from './llm/llm.module.js';
import { McpModule } from './mcp/mcp.module.js';
import { OpenAiModule } from './openai/openai.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { RateLimitModule } from './rate-limit/rate-limit.module.js';
import { RedisModule } from './redis/redis.module.js';

@Module({})
export class AppModule {
  static forConfig(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forConfig(config),
        CommonModule,
        MetricsModule,
        AuthModule,
        RateLimitModule,
        RedisModule,
        LLMModule,
        HealthModule,
        ConversationsModule,
        ChatModule,
        McpModule,
        OpenAiModule,
      ],
    };
  }
}
