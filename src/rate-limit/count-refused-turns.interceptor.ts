import {
  BadRequestException,
  CallHandler,
  ExecutionContext,
  Injectable,
  NestInterceptor,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { catchError, Observable } from 'rxjs';
import { AuthenticatedRequest } from '../auth/principal.decorator.js';
import { ModelNotFoundError, RateLimitedError } from '../common/errors.js';
import { rawHttp } from '../common/request-id.js';
import { COUNTED_BY_TURN } from './rate-limit.guard.js';
import { RateLimiter } from './rate-limiter.service.js';

/**
 * A chat request refused before its turn began (400 from a pipe or the Idempotency-Key check, 404 for
 * an unknown model) never reaches the turn's first round trip, which is where chat requests are
 * counted; it is counted here instead, in a trip of its own, so that every authenticated request
 * counts. Nothing is counted twice: a turn that made its first trip ends in neither.
 */
@Injectable()
export class CountRefusedTurnsInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly limiter: RateLimiter,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (!this.reflector.get<boolean>(COUNTED_BY_TURN, context.getHandler())) return next.handle();
    const http = context.switchToHttp();
    const { req } = rawHttp(http.getRequest(), http.getResponse());
    const principal = (req as typeof req & AuthenticatedRequest).principal;
    return next.handle().pipe(
      catchError(async (error: unknown) => {
        if (refusedBeforeTurn(error) && principal !== undefined) {
          // Over the limit, the 429 wins (so the client learns when to come back); a store fault
          // leaves the refusal as it was.
          await this.limiter.charge(principal).catch((chargeError: unknown) => {
            if (chargeError instanceof RateLimitedError) throw chargeError;
          });
        }
        throw error;
      }),
    );
  }
}

function refusedBeforeTurn(error: unknown): boolean {
  return error instanceof BadRequestException || error instanceof ModelNotFoundError;
}
