// Evaluates the local router on data/routing/test.jsonl (or the path given as first argument):
// accuracy, per-route precision/recall, confusion matrix, needs_history accuracy and latency.
// Run: npm run eval:routing
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { LocalRouter, ROUTER_VERSION } from '../src/routing/local-router.js';
import { ROUTES, type Route, type RoutingInput } from '../src/routing/routing.types.js';
import { readRoutingExamples, toRoutingInput, type RoutingExample } from './routing-dataset.js';

export interface RouteQuality {
  precision: number;
  recall: number;
  support: number;
}

export interface RoutingEvaluation {
  total: number;
  accuracy: number;
  perRoute: Record<Route, RouteQuality>;
  /** confusion[expected][predicted], both in ROUTES order. */
  confusion: number[][];
  decidedByRules: number;
  /** Examples that have history, and how often needs_history was right on them. */
  withHistory: number;
  needsHistoryAccuracy: number;
}

export interface LatencyReport {
  samples: number;
  p50Micros: number;
  p99Micros: number;
}

export function evaluateRouting(
  examples: RoutingExample[],
  router = new LocalRouter(),
): RoutingEvaluation {
  const confusion = ROUTES.map(() => ROUTES.map(() => 0));
  let decidedByRules = 0;
  let withHistory = 0;
  let historyCorrect = 0;
  for (const example of examples) {
    const decision = router.decide(toRoutingInput(example));
    confusion[ROUTES.indexOf(example.route)][ROUTES.indexOf(decision.route)]++;
    if (decision.decidedBy === 'rules') decidedByRules++;
    if (example.history.length > 0) {
      withHistory++;
      if (decision.needsHistory === example.needsHistory) historyCorrect++;
    }
  }
  const correct = ROUTES.reduce((sum, _, index) => sum + confusion[index][index], 0);
  return {
    total: examples.length,
    accuracy: ratio(correct, examples.length),
    perRoute: routeQualities(confusion),
    confusion,
    decidedByRules,
    withHistory,
    needsHistoryAccuracy: ratio(historyCorrect, withHistory),
  };
}

/** Times each decision individually after a warm-up; timings are for this script only. */
export function measureLatency(
  router: LocalRouter,
  inputs: RoutingInput[],
  repetitions: number,
): LatencyReport {
  for (let i = 0; i < 2_000; i++) router.decide(inputs[i % inputs.length]);
  const micros = new Float64Array(inputs.length * repetitions);
  let sample = 0;
  for (let round = 0; round < repetitions; round++) {
    for (const input of inputs) {
      const started = process.hrtime.bigint();
      router.decide(input);
      micros[sample++] = Number(process.hrtime.bigint() - started) / 1_000;
    }
  }
  micros.sort();
  return {
    samples: micros.length,
    p50Micros: percentile(micros, 0.5),
    p99Micros: percentile(micros, 0.99),
  };
}

function routeQualities(confusion: number[][]): Record<Route, RouteQuality> {
  const entries = ROUTES.map((route, index) => {
    const predicted = confusion.reduce((sum, row) => sum + row[index], 0);
    const support = confusion[index].reduce((sum, count) => sum + count, 0);
    const hits = confusion[index][index];
    return [route, { precision: ratio(hits, predicted), recall: ratio(hits, support), support }];
  });
  return Object.fromEntries(entries) as Record<Route, RouteQuality>;
}

function ratio(part: number, whole: number): number {
  return whole === 0 ? 0 : part / whole;
}

function percentile(sorted: Float64Array, fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))];
}

function longMessage(length: number): string {
  const paragraph =
    'Our quarterly review covered revenue, hiring, customer churn and the migration of the ' +
    'billing system. Several teams reported delays caused by unclear ownership of shared ' +
    'services, and support tickets rose after the March release. ';
  const body = paragraph.repeat(Math.ceil(length / paragraph.length));
  return `Summarize the main risks in these notes:\n\n${body}`.slice(0, length);
}

function formatReport(evaluation: RoutingEvaluation): string {
  const percent = (value: number): string => `${(value * 100).toFixed(1)}%`;
  const width = Math.max(...ROUTES.map((route) => route.length)) + 2;
  const pad = (text: string | number): string => String(text).padStart(width);
  const lines = [
    `router ${ROUTER_VERSION}`,
    `accuracy ${percent(evaluation.accuracy)} on ${evaluation.total} examples ` +
      `(${evaluation.decidedByRules} decided by rules)`,
    '',
    `${'route'.padEnd(width)}${pad('precision')}${pad('recall')}${pad('support')}`,
    ...ROUTES.map((route) => {
      const quality = evaluation.perRoute[route];
      return (
        route.padEnd(width) +
        pad(percent(quality.precision)) +
        pad(percent(quality.recall)) +
        pad(quality.support)
      );
    }),
    '',
    'confusion (rows expected, columns predicted)',
    `${''.padEnd(width)}${ROUTES.map(pad).join('')}`,
    ...ROUTES.map(
      (route, index) => route.padEnd(width) + evaluation.confusion[index].map(pad).join(''),
    ),
    '',
    `needs_history accuracy ${percent(evaluation.needsHistoryAccuracy)} ` +
      `on ${evaluation.withHistory} examples with history`,
  ];
  return lines.join('\n');
}

/** Decision latency on the split's messages up to 500 characters and on one 4,000-character message. */
export function latencyLines(examples: RoutingExample[], router = new LocalRouter()): string[] {
  const shortInputs = examples.filter((e) => e.message.length <= 500).map(toRoutingInput);
  const short = measureLatency(router, shortInputs, 200);
  const long = measureLatency(
    router,
    [{ message: longMessage(4_000), history: [], toolsAvailable: true }],
    2_000,
  );
  return [
    `latency (messages <= 500 chars, ${short.samples} decisions): ` +
      `p50 ${short.p50Micros.toFixed(1)} µs, p99 ${short.p99Micros.toFixed(1)} µs`,
    `latency (4,000-char message, ${long.samples} decisions): ` +
      `p50 ${long.p50Micros.toFixed(1)} µs, p99 ${long.p99Micros.toFixed(1)} µs`,
  ];
}

function main(): void {
  const path = process.argv[2] ?? join(process.cwd(), 'data/routing/test.jsonl');
  const examples = readRoutingExamples(path);
  const router = new LocalRouter();
  console.log(formatReport(evaluateRouting(examples, router)));
  console.log(latencyLines(examples, router).join('\n'));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) main();
