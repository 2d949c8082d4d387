/** The targets, each checked against the measured adapter it names. */
import {
  Adapter,
  FLOOR_OF,
  FloorMean,
  Results,
  SERVICE_ROUTES,
  ServiceMeasured,
  ServiceRoute,
} from './results.js';

export interface Target {
  adapter: Adapter;
  what: string;
  /** The measured value; `ratio` values print as N×, `ms` as milliseconds. */
  value(routes: Record<ServiceRoute, ServiceMeasured>, floor: FloorMean): number;
  unit: 'ratio' | 'ms';
  compare: '≥' | '<';
  bound: number;
}

const requestRate =
  (route: ServiceRoute) => (routes: Record<ServiceRoute, ServiceMeasured>, floor: FloorMean) =>
    routes[route].load.requestsPerSecond / floor[FLOOR_OF[route]].requestsPerSecond;

const addedP50 =
  (route: ServiceRoute) => (routes: Record<ServiceRoute, ServiceMeasured>, floor: FloorMean) =>
    routes[route].latency.p50Ms - floor[FLOOR_OF[route]].p50Ms;

const TARGETS: Target[] = [
  {
    adapter: 'fastify',
    what: '/chat/direct ÷ floor direct turn, req/s',
    value: requestRate('/chat/direct'),
    unit: 'ratio',
    compare: '≥',
    bound: 0.8,
  },
  {
    adapter: 'fastify',
    what: '/chat/orchestrated ÷ /chat/direct, req/s',
    value: (routes) =>
      routes['/chat/orchestrated'].load.requestsPerSecond /
      routes['/chat/direct'].load.requestsPerSecond,
    unit: 'ratio',
    compare: '≥',
    bound: 0.95,
  },
  {
    adapter: 'fastify',
    what: '/chat/ultrafast hit ÷ floor cache hit, req/s',
    value: requestRate('/chat/ultrafast hit'),
    unit: 'ratio',
    compare: '≥',
    bound: 0.6,
  },
  {
    adapter: 'express',
    what: '/chat/direct ÷ floor direct turn, req/s',
    value: requestRate('/chat/direct'),
    unit: 'ratio',
    compare: '≥',
    bound: 0.6,
  },
  ...SERVICE_ROUTES.map(
    (route): Target => ({
      adapter: 'fastify',
      what: `${route} added latency p50, 1 connection`,
      value: addedP50(route),
      unit: 'ms',
      compare: '<',
      bound: 0.5,
    }),
  ),
];

export type TargetResult = 'PASS' | 'FAIL' | 'not available';

/** Each target with its measured value (undefined when its adapter was not measured). */
export function checkTargets(
  results: Results,
  floor: FloorMean,
): Array<{ target: Target; value?: number; result: TargetResult }> {
  return TARGETS.map((target) => {
    const run = results.adapters.find((candidate) => candidate.adapter === target.adapter);
    if (!run || run.outcome !== 'measured') {
      return { target, result: run?.outcome === 'failed' ? 'FAIL' : 'not available' };
    }
    const value = target.value(run.routes, floor);
    const met = target.compare === '≥' ? value >= target.bound : value < target.bound;
    return { target, value, result: met ? 'PASS' : 'FAIL' };
  });
}
