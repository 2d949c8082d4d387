import { Injectable, NestMiddleware } from '@nestjs/common';
import { IncomingMessage, ServerResponse } from 'node:http';
import { MetricsService } from './metrics.service.js';
import { LabelledRequest } from './route-label.guard.js';

@Injectable()
export class HttpMetricsMiddleware implements NestMiddleware {
  constructor(private readonly metrics: MetricsService) {}

  use(req: IncomingMessage, res: ServerResponse, next: () => void): void {
    const stopTimer = this.metrics.httpDuration.startTimer();
    res.once('finish', () => {
      const labels = {
        method: req.method ?? 'UNKNOWN',
        route: (req as IncomingMessage & LabelledRequest).routeLabel ?? 'unmatched',
        status: String(res.statusCode),
      };
      this.metrics.httpRequests.inc(labels);
      stopTimer(labels);
    });
    next();
  }
}
