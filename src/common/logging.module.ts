import { Global, Module } from '@nestjs/common';
import { AppLogger } from './app-logger.service.js';
import { RequestLog } from './request-log.js';

/** The app's logger, ambient like the config: every module may log. */
@Global()
@Module({
  providers: [AppLogger, RequestLog],
  exports: [AppLogger, RequestLog],
})
export class LoggingModule {}
