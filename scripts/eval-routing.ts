// Evaluates the local router: route accuracy, per-route precision/recall, confusion matrix,
// needs_history accuracy, both per category and per language, and decision latency.
//   npm run eval:routing                       the held-out test split, with the committed weights
//   npm run eval:routing -- --validation       trains in memory on train.jsonl minus a validation
//                                              slice and evaluates on that slice (tune here, never
//                                              on the test split)
//   npm run eval:routing -- --cv               the same over all five folds of train.jsonl (each line
//                                              judged by a model that never saw it): slower, steadier
//   npm run eval:routing -- path/to/file.jsonl any labelled file, with the committed weights
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { LocalRouter, ROUTER_VERSION } from '../src/routing/local-router.js';
import { ROUTES, type Route, type RoutingInput } from '../src/routing/routing.types.js';
import { readRoutingExamples, toRoutingInput, type RoutingExample } from './routing-dataset.js';
import { splitValidation, trainRouter, VALIDATION_FOLDS } from './router-training.js';

export interface RouteQuality {
  precision: number;
  recall: number;
  support: number;
}

/** Route and needs_history accuracy over one slice of the examples (a category, a language). */
export interface SliceQuality {
  total: number;
  accuracy: number;
  /** Examples of the slice that have history, and how often needs_history was right on them. */
  withHistory: number;
  needsHistoryAccuracy: number;
}

export interface RoutingEvaluation extends SliceQuality {
  perRoute: Record<Route, RouteQuality>;
  /** confusion[expected][predicted], both in ROUTES order. */
  confusion: number[][];
  decidedByRules: number;
  /** Follow-ups whose needs_history label is false (self-contained after earlier turns). */
  selfContained: number;
  perCategory: Record<string, SliceQuality>;
  perLanguage: Record<string, SliceQuality>;
  /** Examples the router got wrong (route or needs_history), printed for validation only. */
  misses: Array<{ example: RoutingExample; route: Route; needsHistory: boolean }>;
}

export interface LatencyReport {
  samples: number;
  p50Micros: number;
  p99Micros: number;
}

interface Tally {
  total: number;
  correct: number;
  withHistory: number;
  historyCorrect: number;
}

/** `router` may be one per example (cross-validation: the model that did not see it). */
export function evaluateRouting(
  examples: RoutingExample[],
  router: LocalRouter | ((example: RoutingExample) => LocalRouter) = new LocalRouter(),
): RoutingEvaluation {
  const routerFor = typeof router === 'function' ? router : () => router;
  const confusion = ROUTES.map(() => ROUTES.map(() => 0));
  const overall = emptyTally();
  const byCategory = new Map<string, Tally>();
  const byLanguage = new Map<string, Tally>();
  const misses: RoutingEvaluation['misses'] = [];
  let decidedByRules = 0;
  let selfContained = 0;
  for (const example of examples) {
    const decision = routerFor(example).decide(toRoutingInput(example));
    confusion[ROUTES.indexOf(example.route)][ROUTES.indexOf(decision.route)]++;
    if (decision.decidedBy === 'rules') decidedByRules++;
    if (example.history.length > 0 && !example.needsHistory) selfContained++;
    const routeRight = decision.route === example.route;
    const historyRight =
      example.history.length === 0 ? undefined : decision.needsHistory === example.needsHistory;
    for (const tally of [
      overall,
      tallyOf(byCategory, example.category),
      tallyOf(byLanguage, example.lang),
    ]) {
      count(tally, routeRight, historyRight);
    }
    if (!routeRight || historyRight === false) {
      misses.push({ example, route: decision.route, needsHistory: decision.needsHistory });
    }
  }
  return {
    ...quality(overall),
    perRoute: routeQualities(confusion),
    confusion,
    decidedByRules,
    selfContained,
    perCategory: qualities(byCategory),
    perLanguage: qualities(byLanguage),
    misses,
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

function emptyTally(): Tally {
  return { total: 0, correct: 0, withHistory: 0, historyCorrect: 0 };
}

function tallyOf(tallies: Map<string, Tally>, key: string): Tally {
  let tally = tallies.get(key);
  if (!tally) tallies.set(key, (tally = emptyTally()));
  return tally;
}

function count(tally: Tally, routeRight: boolean, historyRight: boolean | undefined): void {
  tally.total++;
  if (routeRight) tally.correct++;
  if (historyRight === undefined) return;
  tally.withHistory++;
  if (historyRight) tally.historyCorrect++;
}

function quality(tally: Tally): SliceQuality {
  return {
    total: tally.total,
    accuracy: ratio(tally.correct, tally.total),
    withHistory: tally.withHistory,
    needsHistoryAccuracy: ratio(tally.historyCorrect, tally.withHistory),
  };
}

function qualities(tallies: Map<string, Tally>): Record<string, SliceQuality> {
  const keys = [...tallies.keys()].sort();
  return Object.fromEntries(keys.map((key) => [key, quality(tallies.get(key) as Tally)]));
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

const percent = (value: number): string => `${(value * 100).toFixed(1)}%`;

function formatReport(evaluation: RoutingEvaluation): string {
  const width = Math.max(...ROUTES.map((route) => route.length)) + 2;
  const pad = (text: string | number): string => String(text).padStart(width);
  return [
    `router ${ROUTER_VERSION}`,
    `accuracy ${percent(evaluation.accuracy)} on ${evaluation.total} examples ` +
      `(${evaluation.decidedByRules} decided by rules)`,
    `needs_history accuracy ${percent(evaluation.needsHistoryAccuracy)} ` +
      `on ${evaluation.withHistory} examples with history ` +
      `(${evaluation.selfContained} of them self-contained)`,
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
    ...sliceTable('category', evaluation.perCategory),
    '',
    ...sliceTable('language', evaluation.perLanguage),
  ].join('\n');
}

function sliceTable(title: string, slices: Record<string, SliceQuality>): string[] {
  const width = Math.max(title.length, ...Object.keys(slices).map((key) => key.length)) + 2;
  const cell = (text: string | number, size = 10): string => String(text).padStart(size);
  return [
    `${title.padEnd(width)}${cell('n', 6)}${cell('route')}${cell('history n', 11)}` +
      cell('history'),
    ...Object.entries(slices).map(
      ([key, slice]) =>
        key.padEnd(width) +
        cell(slice.total, 6) +
        cell(percent(slice.accuracy)) +
        cell(slice.withHistory, 11) +
        cell(slice.withHistory > 0 ? percent(slice.needsHistoryAccuracy) : '-'),
    ),
  ];
}

function formatMisses(evaluation: RoutingEvaluation): string {
  return evaluation.misses
    .map(({ example, route, needsHistory }) => {
      const previous = example.history.findLast((turn) => turn.role === 'user')?.content;
      return (
        `  [${example.category}] ${JSON.stringify(example.message.slice(0, 120))}` +
        (previous ? ` after ${JSON.stringify(previous.slice(0, 60))}` : '') +
        `\n    expected ${example.route}${example.history.length > 0 ? `/${example.needsHistory}` : ''}` +
        `, got ${route}${example.history.length > 0 ? `/${needsHistory}` : ''}`
      );
    })
    .join('\n');
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

function evaluateValidation(): void {
  const { training, validation } = splitValidation(
    readRoutingExamples(join(process.cwd(), 'data/routing/train.jsonl')),
  );
  console.log(`training on ${training.length} examples, validating on ${validation.length}`);
  const { weights } = trainRouter(training);
  const evaluation = evaluateRouting(validation, new LocalRouter(weights));
  console.log(formatReport(evaluation));
  console.log(`\nmisses on the validation slice:\n${formatMisses(evaluation)}`);
}

function evaluateCrossValidation(): void {
  const examples = readRoutingExamples(join(process.cwd(), 'data/routing/train.jsonl'));
  const routers = new Map<RoutingExample, LocalRouter>();
  for (let fold = 0; fold < VALIDATION_FOLDS; fold++) {
    const { training, validation } = splitValidation(examples, fold);
    const router = new LocalRouter(trainRouter(training).weights);
    for (const example of validation) routers.set(example, router);
  }
  console.log(`${VALIDATION_FOLDS}-fold cross-validation on ${examples.length} examples`);
  const evaluation = evaluateRouting(examples, (example) => routers.get(example) as LocalRouter);
  console.log(formatReport(evaluation));
  console.log(`\nmisses across the folds:\n${formatMisses(evaluation)}`);
}

function evaluateFile(path: string): void {
  const examples = readRoutingExamples(path);
  const router = new LocalRouter();
  console.log(formatReport(evaluateRouting(examples, router)));
  console.log('');
  console.log(latencyLines(examples, router).join('\n'));
}

function main(): void {
  const argument = process.argv[2];
  if (argument === '--validation') evaluateValidation();
  else if (argument === '--cv') evaluateCrossValidation();
  else evaluateFile(argument ?? join(process.cwd(), 'data/routing/test.jsonl'));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) main();
