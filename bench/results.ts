/** What the bench measures, by whom and of which route, and the floor it is compared with. */
import type { LatencyResult, LoadResult } from './measure.js';
import type { RuntimeCost } from './service-metrics.js';

export const ADAPTERS = ['express', 'fastify'] as const;
export type Adapter = (typeof ADAPTERS)[number];

export const FLOOR_ROUTES = ['direct turn', 'cache hit'] as const;
export type FloorRoute = (typeof FLOOR_ROUTES)[number];

export const SERVICE_ROUTES = [
  '/chat/direct',
  '/chat/orchestrated',
  '/chat/ultrafast hit',
] as const;
export type ServiceRoute = (typeof SERVICE_ROUTES)[number];

/** The floor job each service route is compared with. */
export const FLOOR_OF: Record<ServiceRoute, FloorRoute> = {
  '/chat/direct': 'direct turn',
  '/chat/orchestrated': 'direct turn',
  '/chat/ultrafast hit': 'cache hit',
};

export interface Measured {
  load: LoadResult;
  latency: LatencyResult;
}

export interface ServiceMeasured extends Measured {
  /** Under load (BENCH_CONNECTIONS). */
  runtime: RuntimeCost;
  /** Over the latency batch. */
  roundTrips: number;
}

export type FloorRun = Record<FloorRoute, Measured>;

/** An adapter refused at start-up is `not available`; one that started and then broke, `failed`. */
export type AdapterRun =
  | {
      adapter: Adapter;
      outcome: 'measured';
      /** How the orchestrated message was routed (the dry run). */
      routing: string;
      routes: Record<ServiceRoute, ServiceMeasured>;
    }
  | { adapter: Adapter; outcome: 'not available' | 'failed'; reason: string };

export interface Results {
  settings: { seconds: number; connections: number; latencyRequests: number };
  floorBefore: FloorRun;
  adapters: AdapterRun[];
  floorAfter: FloorRun;
}

/** The floor's two runs averaged: what the service is compared with. */
export type FloorMean = Record<
  FloorRoute,
  { requestsPerSecond: number; p50Ms: number; p99Ms: number }
>;

export function floorMean({ floorBefore, floorAfter }: Results): FloorMean {
  const mean = (route: FloorRoute, pick: (m: Measured) => number): number =>
    (pick(floorBefore[route]) + pick(floorAfter[route])) / 2;
  return Object.fromEntries(
    FLOOR_ROUTES.map((route) => [
      route,
      {
        requestsPerSecond: mean(route, (m) => m.load.requestsPerSecond),
        p50Ms: mean(route, (m) => m.latency.p50Ms),
        p99Ms: mean(route, (m) => m.latency.p99Ms),
      },
    ]),
  ) as FloorMean;
}
