import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { rawHttp } from '../common/request-id.js';

export type AuthenticatedRequest = { principal?: string };

/** The authenticated user id set by BearerAuthGuard. */
export const Principal = createParamDecorator((_data: unknown, context: ExecutionContext) => {
  const http = context.switchToHttp();
  const { req } = rawHttp(http.getRequest(), http.getResponse());
  return (req as AuthenticatedRequest).principal;
});
