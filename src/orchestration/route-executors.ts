import { RouteExecutor } from '../chat/route-executor.js';
import { Route } from '../routing/routing.types.js';

/** Route → the service that runs it. Adding a route is one entry in OrchestrationModule. */
export const ROUTE_EXECUTORS = Symbol('ROUTE_EXECUTORS');
export type RouteExecutors = ReadonlyMap<Route, RouteExecutor>;

export function routeExecutors(...executors: RouteExecutor[]): RouteExecutors {
  return new Map(executors.map((executor) => [executor.route, executor]));
}
