import {
  CanActivate,
  ExecutionContext,
  Injectable,
  SetMetadata,
  type CustomDecorator,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthenticatedRequest } from '../auth/principal.decorator.js';
import { rawHttp } from '../common/request-id.js';
import { RateLimiter } from './rate-limiter.service.js';

export const COUNTED_BY_TURN = 'rate-limit:countedByTurn';

/**
 * Marks a handler whose chat turn counts the request itself, in the turn's first round trip (so a turn
 * costs no extra trip for it); CountRefusedTurnsInterceptor counts those refused before it.
 */
export const CountedByTurn = (): CustomDecorator => SetMetadata(COUNTED_BY_TURN, true);

/**
 * Global guard after authentication: every authenticated request counts against its principal's
 * RATE_LIMIT_PER_MINUTE; over it, 429 with Retry-After. Public routes (health, metrics) are not counted.
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly limiter: RateLimiter,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    const { req } = rawHttp(http.getRequest(), http.getResponse());
    const principal = (req as typeof req & AuthenticatedRequest).principal;
    const countedByTurn = this.reflector.get<boolean>(COUNTED_BY_TURN, context.getHandler());
    if (principal !== undefined && !countedByTurn) await this.limiter.charge(principal);
    return true;
  }
}
