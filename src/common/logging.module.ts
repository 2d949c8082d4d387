import { Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { AppConfig } from '../config/app-config.js';
import { assignRequestId } from './request-id.js';

type LoggedRequest = { id: string; method: string; url: string; originalUrl?: string };

/** What a request log line holds: the request's id, method and path, and the status. */
export const REQUEST_LOG_SERIALIZERS = {
  req: (req: LoggedRequest) => ({
    id: req.id,
    method: req.method,
    url: req.originalUrl ?? req.url,
  }),
  res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
};

/**
 * Structured JSON logs, one line per request with its request id. Requests are logged by method, path
 * and id only: no headers (so no tokens) and never bodies. The lean serializers read Node's request and
 * response directly (no wrapping), which also keeps logging cheap on the hot path.
 */
@Module({
  imports: [
    LoggerModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        pinoHttp: {
          level: config.logLevel,
          genReqId: (req, res) => assignRequestId(req, res),
          wrapSerializers: false,
          serializers: REQUEST_LOG_SERIALIZERS,
          customLogLevel: (_req, res, error) =>
            error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
        },
      }),
    }),
  ],
})
export class LoggingModule {}
