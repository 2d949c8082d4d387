import { Global, Module } from '@nestjs/common';
import { AppLogger } from './app-logger.service.js';
import { RequestLogMiddleware } from './request-log.middleware.js';

/** The app's logger, ambient like the config: every module may log. */
@Global()
@Module({
  providers: [AppLogger, RequestLogMiddleware],
  exports: [AppLogger, RequestLogMiddleware],
})
export class LoggingModule {}
