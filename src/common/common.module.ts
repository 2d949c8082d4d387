import { Global, MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { AllExceptionsFilter } from './all-exceptions.filter.js';
import { ErrorFormats } from './error-formats.js';
import { JsonContentTypeMiddleware } from './json-content-type.middleware.js';
import { LoggingModule } from './logging.module.js';
import { RequestLogMiddleware } from './request-log.middleware.js';
import { createValidationPipe } from './validation.pipe.js';

/** Cross-cutting HTTP behaviour: logs, JSON-only bodies, validation, the one error shape. */
@Global()
@Module({
  imports: [LoggingModule],
  providers: [
    ErrorFormats,
    { provide: APP_PIPE, useFactory: createValidationPipe },
    { provide: APP_FILTER, useClass: AllExceptionsFilter },
  ],
  exports: [ErrorFormats],
})
export class CommonModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(RequestLogMiddleware, JsonContentTypeMiddleware).forRoutes('*');
  }
}
