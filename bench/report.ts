/** The report: throughput, latency and targets, each service row beside the floor doing its job. */
import type { LoadResult } from './measure.js';
import {
  AdapterRun,
  FLOOR_OF,
  FLOOR_ROUTES,
  FloorMean,
  floorMean,
  FloorRoute,
  FloorRun,
  Measured,
  Results,
  SERVICE_ROUTES,
} from './results.js';
import { table } from './table.js';
import { checkTargets } from './targets.js';

export function printResults(results: Results): void {
  const floor = floorMean(results);
  printThroughput(results, floor);
  printLatency(results, floor);
  printTargets(results, floor);
}

function printThroughput(results: Results, floor: FloorMean): void {
  const floorRows = (label: string, run: FloorRun): string[][] =>
    FLOOR_ROUTES.map((route) => {
      const { load } = run[route];
      return [label, route, rate(load), '', ...loadCells(load), '', ''];
    });
  const serviceRows = (run: AdapterRun): string[][] =>
    SERVICE_ROUTES.map((route) => {
      if (run.outcome !== 'measured') return [run.adapter, route, run.outcome];
      const { load, runtime } = run.routes[route];
      return [
        run.adapter,
        route,
        rate(load),
        ratio(load.requestsPerSecond / floor[FLOOR_OF[route]].requestsPerSecond),
        ...loadCells(load),
        ms(runtime.loopDelayP99Ms, 1),
        ms(runtime.gcMsPer1kRequests, 1),
      ];
    });
  const { seconds, connections } = results.settings;
  console.log(`\nThroughput: ${connections} connections, ${seconds} s per route after a warm-up`);
  console.log(
    table(
      [
        '',
        'route',
        'req/s',
        '× floor',
        'p50 ms',
        'p99 ms',
        'errors',
        'loop p99 ms',
        'GC ms/1k req',
      ],
      [
        ...floorRows('floor (before)', results.floorBefore),
        ...results.adapters.flatMap(serviceRows),
        ...floorRows('floor (after)', results.floorAfter),
      ],
    ),
  );
  for (const run of results.adapters) {
    console.log(
      run.outcome === 'measured'
        ? `${run.adapter} /chat/orchestrated routed the message to ${run.routing}`
        : `${run.adapter} ${run.outcome}: ${run.reason}`,
    );
  }
  console.log(
    `floor after vs before: ${driftOf(results, (m) => m.load.requestsPerSecond)} req/s; ` +
      "loop p99 = event-loop delay, GC = collection time, both the service's own (/metrics)",
  );
}

function rate(load: LoadResult): string {
  return Math.round(load.requestsPerSecond).toLocaleString('en-US');
}

function loadCells(load: LoadResult): string[] {
  return [String(load.p50Ms), String(load.p99Ms), String(load.errors)];
}

function printLatency(results: Results, floor: FloorMean): void {
  const floorRows = (label: string, run: FloorRun): string[][] =>
    FLOOR_ROUTES.map((route) => {
      const { latency } = run[route];
      return [label, route, ms(latency.p50Ms, 2), ms(latency.p99Ms, 2), '', '', ''];
    });
  const serviceRows = (run: AdapterRun): string[][] =>
    SERVICE_ROUTES.map((route) => {
      if (run.outcome !== 'measured') return [run.adapter, route, run.outcome];
      const { latency, roundTrips } = run.routes[route];
      const base = floor[FLOOR_OF[route]];
      return [
        run.adapter,
        route,
        ms(latency.p50Ms, 2),
        ms(latency.p99Ms, 2),
        signedMs(latency.p50Ms - base.p50Ms),
        signedMs(latency.p99Ms - base.p99Ms),
        Number.isNaN(roundTrips) ? '—' : roundTrips.toFixed(2),
      ];
    });
  const { latencyRequests } = results.settings;
  console.log(
    `\nLatency: 1 connection (kept alive), ${latencyRequests.toLocaleString('en-US')} sequential ` +
      'requests per route',
  );
  console.log(
    table(
      ['', 'route', 'p50 ms', 'p99 ms', 'added p50', 'added p99', 'store trips/req'],
      [
        ...floorRows('floor (before)', results.floorBefore),
        ...results.adapters.flatMap(serviceRows),
        ...floorRows('floor (after)', results.floorAfter),
      ],
    ),
  );
  console.log(
    `floor after vs before: ${driftOf(results, (m) => m.latency.p50Ms)} p50; added = the ` +
      'service minus the floor (mean of its two runs) doing the same job; the floor makes 2 store ' +
      'trips by construction',
  );
}

function printTargets(results: Results, floor: FloorMean): void {
  const rows = checkTargets(results, floor).map(({ target, value, result }) => [
    `${target.adapter} ${target.what}`,
    value === undefined ? '—' : format(value, target.unit),
    `${target.compare} ${format(target.bound, target.unit)}`,
    result,
  ]);
  console.log('\nTargets');
  console.log(table(['', 'measured', 'target', 'result'], rows));
  const noise = Math.max(
    ...FLOOR_ROUTES.map((route) =>
      Math.abs(relativeChange(results, route, (m) => m.load.requestsPerSecond)),
    ),
  );
  console.log(
    `The floor's req/s moved by up to ${(noise * 100).toFixed(1)}% between its two runs: ` +
      'read a ratio that close to its target as noise.',
  );
}

function driftOf(results: Results, pick: (m: Measured) => number): string {
  return FLOOR_ROUTES.map(
    (route) => `${route} ${percent(relativeChange(results, route, pick))}`,
  ).join(', ');
}

function relativeChange(
  results: Results,
  route: FloorRoute,
  pick: (m: Measured) => number,
): number {
  return pick(results.floorAfter[route]) / pick(results.floorBefore[route]) - 1;
}

function format(value: number, unit: 'ratio' | 'ms'): string {
  return unit === 'ratio' ? ratio(value) : `${value.toFixed(2)} ms`;
}

function ratio(value: number): string {
  return `${value.toFixed(2)}×`;
}

function ms(value: number, digits: number): string {
  return Number.isNaN(value) ? '—' : value.toFixed(digits);
}

function signedMs(value: number): string {
  return `${value >= 0 ? '+' : '−'}${Math.abs(value).toFixed(2)}`;
}

function percent(value: number): string {
  return `${value >= 0 ? '+' : '−'}${Math.abs(value * 100).toFixed(1)}%`;
}
