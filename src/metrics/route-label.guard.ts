import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { PATH_METADATA } from '@nestjs/common/constants.js';
import { Reflector } from '@nestjs/core';
import { rawHttp } from '../common/request-id.js';

export type LabelledRequest = { routeLabel?: string };

/**
 * Runs first among the global guards and only records which route template matched, so the metrics
 * middleware can label by route on any HTTP adapter (even when a later guard refuses the request).
 */
@Injectable()
export class RouteLabelGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const http = context.switchToHttp();
    const { req } = rawHttp(http.getRequest(), http.getResponse());
    const base = this.reflector.get<string>(PATH_METADATA, context.getClass()) ?? '';
    const path = this.reflector.get<string>(PATH_METADATA, context.getHandler()) ?? '';
    (req as typeof req & LabelledRequest).routeLabel = `/${[base, path]
      .map((part) => part.replace(/^\/+|\/+$/g, ''))
      .filter(Boolean)
      .join('/')}`;
    return true;
  }
}
