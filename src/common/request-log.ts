import { Injectable } from '@nestjs/common';
import { IncomingMessage, ServerResponse } from 'node:http';
import { AppLogger } from './app-logger.service.js';
import { assignRequestId } from './request-id.js';

/** What a request log line holds: the request's id, method and path, the status and the time. */
export function requestLogRecord(
  req: IncomingMessage & { id?: unknown },
  res: ServerResponse,
  responseTimeMs: number,
): object {
  return {
    req: { id: req.id, method: req.method, url: req.url },
    res: { statusCode: res.writableFinished ? res.statusCode : 499 },
    responseTime: Math.round(responseTimeMs * 10) / 10,
  };
}

/**
 * Gives every request its id (echoed as X-Request-Id) and logs one line when it ends: method, path,
 * id, status and time only — no headers (so no tokens) and never bodies. A request the client left
 * before its response was complete is logged as 499.
 */
@Injectable()
export class RequestLog {
  constructor(private readonly logger: AppLogger) {}

  /** A RequestHook: the first one, so every later step and every error knows the request's id. */
  readonly track = (req: IncomingMessage, res: ServerResponse): void => {
    assignRequestId(req, res);
    const started = performance.now();
    res.once('close', () => {
      const record = requestLogRecord(req, res, performance.now() - started);
      const status = res.writableFinished ? res.statusCode : 499;
      const level = status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info';
      this.logger.pino[level](
        record,
        res.writableFinished ? 'request completed' : 'request aborted',
      );
    });
  };
}
