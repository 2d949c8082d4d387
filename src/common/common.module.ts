import { Global, Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { AllExceptionsFilter } from './all-exceptions.filter.js';
import { ErrorFormats } from './error-formats.js';
import { LoggingModule } from './logging.module.js';
import { createValidationPipe } from './validation.pipe.js';

/** Cross-cutting HTTP behaviour: logs, validation, the error shapes (the request hooks: app.setup.ts). */
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
export class CommonModule {}
