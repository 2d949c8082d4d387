import { Module } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { CountRefusedTurnsInterceptor } from './count-refused-turns.interceptor.js';
import { RateLimitGuard } from './rate-limit.guard.js';
import { RateLimiter } from './rate-limiter.service.js';

/**
 * Per-principal rate limits: the guard for every route, the limiter for the turn's own trip, and the
 * interceptor for chat requests refused before their turn.
 */
@Module({
  providers: [
    RateLimiter,
    { provide: APP_GUARD, useClass: RateLimitGuard },
    { provide: APP_INTERCEPTOR, useClass: CountRefusedTurnsInterceptor },
  ],
  exports: [RateLimiter],
})
export class RateLimitModule {}
