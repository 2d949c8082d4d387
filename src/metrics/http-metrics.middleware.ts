import { Injectable, NestMiddleware } from '@nestjs/common';
import { IncomingMessage, ServerResponse } from 'node:http';
import { MetricsService } from './metrics.service.js';
import { LabelledRequest } from './route-label.guard.js';

@Injectable()
export class HttpMetricsMiddleware implements NestMiddleware {
  constructor(private readonly metrics: MetricsService) {}

  use(req: IncomingMessage, res: ServerResponse, next: () => void): void {
    const stopTimer = this.metrics.httpDuration.startTimer();
    // 'close' follows 'finish' for a complete response; alone, it means the client left first (499).
    res.once('close', () => {
      const labels = {
        method: req.method ?? 'UNKNOWN',
        route: (req as IncomingMessage & LabelledRequest).routeLabel ?? 'unmatched',
        status: res.writableFinished ? String(res.statusCode) : '499',
      };
      this.metrics.httpRequests.inc(labels);
      stopTimer(labels);
    });
    next();
  }
}
