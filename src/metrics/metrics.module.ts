import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { HttpMetrics } from './http-metrics.js';
import { MetricsController } from './metrics.controller.js';
import { MetricsService } from './metrics.service.js';
import { RouteLabelGuard } from './route-label.guard.js';

@Global()
@Module({
  controllers: [MetricsController],
  providers: [MetricsService, HttpMetrics, { provide: APP_GUARD, useClass: RouteLabelGuard }],
  exports: [MetricsService, HttpMetrics],
})
export class MetricsModule {}
