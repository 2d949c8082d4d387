import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { evaluateRouting } from '../../scripts/eval-routing.js';
import { parseRoutingExamples } from '../../scripts/routing-dataset.js';
import { ROUTES } from './routing.types.js';

const read = (name: string) =>
  parseRoutingExamples(readFileSync(join(process.cwd(), 'data/routing', name), 'utf8'));

// The models are trained on data/routing/train.jsonl only; this split is held out.
const testSplit = read('test.jsonl');

describe('local router on the held-out test split', () => {
  const evaluation = evaluateRouting(testSplit);

  it('covers every route and some follow-ups', () => {
    for (const route of ROUTES) expect(evaluation.perRoute[route].support).toBeGreaterThan(20);
    expect(evaluation.withHistory).toBeGreaterThan(20);
  });

  it('routes at least 95% of messages correctly', () => {
    expect(evaluation.accuracy).toBeGreaterThanOrEqual(0.95);
  });

  it('decides needs_history correctly for at least 92% of messages with history', () => {
    expect(evaluation.needsHistoryAccuracy).toBeGreaterThanOrEqual(0.92);
  });
});

describe('the labelled set', () => {
  const all = [...read('train.jsonl'), ...testSplit];
  const followUps = all.filter((example) => example.history.length > 0);

  it('has at least 1,500 lines and 400 follow-ups, a third of them self-contained', () => {
    expect(all.length).toBeGreaterThanOrEqual(1500);
    expect(followUps.length).toBeGreaterThanOrEqual(400);
    const selfContained = followUps.filter((example) => !example.needsHistory).length;
    expect(selfContained * 3).toBeGreaterThanOrEqual(followUps.length);
  });

  it('stores previous turns under every endpoint’s route label, whatever they asked', () => {
    const labels = new Set(
      followUps.flatMap((example) =>
        example.history.filter((turn) => turn.role === 'assistant').map((turn) => turn.route),
      ),
    );
    expect([...labels].sort()).toEqual([...ROUTES, undefined].sort());
  });

  it('labels every test line with a category and a language', () => {
    for (const example of testSplit) {
      expect(example.category).not.toBe('uncategorised');
      expect(['en', 'fr', 'es', 'de', 'other']).toContain(example.lang);
    }
  });
});
