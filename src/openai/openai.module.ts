import { Module, OnModuleInit } from '@nestjs/common';
import { ErrorFormats } from '../common/error-formats.js';
import { DirectModule } from '../direct/direct.module.js';
import { McpModule } from '../mcp/mcp.module.js';
import { OrchestrationModule } from '../orchestration/orchestration.module.js';
import { TurnHttpModule } from '../turn-http/turn-http.module.js';
import { UltrafastModule } from '../ultrafast/ultrafast.module.js';
import { OpenAiController } from './openai.controller.js';
import { openAiErrorOf } from './openai-errors.js';

/** The OpenAI-compatible door, over the same executors and turn flow as the chat door. */
@Module({
  imports: [TurnHttpModule, DirectModule, McpModule, UltrafastModule, OrchestrationModule],
  controllers: [OpenAiController],
})
export class OpenAiModule implements OnModuleInit {
  constructor(private readonly errorFormats: ErrorFormats) {}

  onModuleInit(): void {
    this.errorFormats.register('/v1', openAiErrorOf);
  }
}
