import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { evaluateRouting } from '../../scripts/eval-routing.js';
import { parseRoutingExamples } from '../../scripts/routing-dataset.js';
import { ROUTES } from './routing.types.js';

// The classifier is trained on data/routing/train.jsonl only; this split is held out.
const testSplit = parseRoutingExamples(
  readFileSync(join(process.cwd(), 'data/routing/test.jsonl'), 'utf8'),
);

describe('local router on the held-out test split', () => {
  const evaluation = evaluateRouting(testSplit);

  it('covers every route and some follow-ups', () => {
    for (const route of ROUTES) expect(evaluation.perRoute[route].support).toBeGreaterThan(20);
    expect(evaluation.withHistory).toBeGreaterThan(20);
  });

  it('routes at least 95% of messages correctly', () => {
    expect(evaluation.accuracy).toBeGreaterThanOrEqual(0.95);
  });

  it('decides needs_history correctly for at least 90% of messages with history', () => {
    expect(evaluation.needsHistoryAccuracy).toBeGreaterThanOrEqual(0.9);
  });
});
