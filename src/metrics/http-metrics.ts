import { Injectable } from '@nestjs/common';
import { IncomingMessage, ServerResponse } from 'node:http';
import { MetricsService } from './metrics.service.js';
import { LabelledRequest } from './route-label.guard.js';

/** http_requests_total and http_request_duration_seconds, by method, route template and status. */
@Injectable()
export class HttpMetrics {
  constructor(private readonly metrics: MetricsService) {}

  /** A RequestHook: times the request and counts it when it ends (the route label is set later). */
  readonly track = (req: IncomingMessage, res: ServerResponse): void => {
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
  };
}
