import { describe, expect, it } from '@jest/globals';
import { BudgetLimits, OrchestrationBudget } from './orchestration-budget.js';

const generous: BudgetLimits = { maxToolCalls: 10, maxTokens: 1000, timeoutMs: 60_000 };

function budget(limits: Partial<BudgetLimits> = {}, parent?: AbortSignal): OrchestrationBudget {
  return new OrchestrationBudget({ ...generous, ...limits }, parent);
}

function aborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) =>
    signal.addEventListener('abort', () => resolve(), { once: true }),
  );
}

describe('OrchestrationBudget', () => {
  it('grants tool calls until the limit, then partially, then none, and marks tool_calls', () => {
    const shared = budget({ maxToolCalls: 5 });

    expect(shared.take(3)).toBe(3);
    expect(shared.remaining).toBe(2);
    expect(shared.exhausted).toBeUndefined();

    expect(shared.take(4)).toBe(2);
    expect(shared.remaining).toBe(0);
    expect(shared.exhausted).toBe('tool_calls');

    expect(shared.take(1)).toBe(0);
  });

  it('is not exhausted by a request that fits exactly', () => {
    const shared = budget({ maxToolCalls: 2 });

    expect(shared.take(2)).toBe(2);
    expect(shared.remaining).toBe(0);
    expect(shared.exhausted).toBeUndefined();
  });

  it('never grants more than the limit across concurrent takers', async () => {
    const shared = budget({ maxToolCalls: 7 });

    const grants = await Promise.all(
      Array.from({ length: 6 }, async () => {
        await Promise.resolve();
        return shared.take(2);
      }),
    );

    expect(grants.reduce((sum, granted) => sum + granted, 0)).toBe(7);
    expect(grants.filter((granted) => granted < 2)).not.toHaveLength(0);
    expect(shared.remaining).toBe(0);
    expect(shared.exhausted).toBe('tool_calls');
  });

  it('marks tokens once the steps have spent the token budget', () => {
    const shared = budget({ maxTokens: 100 });

    shared.spendTokens({ input_tokens: 40, output_tokens: 20 });
    expect(shared.exhausted).toBeUndefined();

    shared.spendTokens({ input_tokens: 30, output_tokens: 10 });
    expect(shared.exhausted).toBe('tokens');
  });

  it('remembers the first budget to run out', () => {
    const shared = budget({ maxToolCalls: 1, maxTokens: 10 });

    shared.spendTokens({ input_tokens: 10, output_tokens: 0 });
    shared.take(2);
    shared.markExhausted('steps');

    expect(shared.exhausted).toBe('tokens');
  });

  it('aborts its signal when the time budget runs out, and reports time', async () => {
    const shared = budget({ timeoutMs: 20 });
    expect(shared.signal.aborted).toBe(false);

    await aborted(shared.signal);

    expect(shared.signal.aborted).toBe(true);
    expect(shared.exhausted).toBe('time');
  });

  it('keeps an earlier exhausted budget when the time runs out afterwards', async () => {
    const shared = budget({ maxToolCalls: 1, timeoutMs: 20 });
    shared.take(2);

    await aborted(shared.signal);

    expect(shared.exhausted).toBe('tool_calls');
  });

  it('reports time when the deadline passed before another budget ran out unread', async () => {
    const shared = budget({ maxToolCalls: 1, timeoutMs: 20 });

    await aborted(shared.signal);
    shared.take(2);

    expect(shared.exhausted).toBe('time');
  });

  it('aborts its signal when the parent signal aborts, without calling it time', async () => {
    const parent = new AbortController();
    const shared = budget({}, parent.signal);
    expect(shared.signal.aborted).toBe(false);

    parent.abort(new Error('client went away'));
    await aborted(shared.signal);

    expect(shared.signal.aborted).toBe(true);
    expect(shared.signal.reason).toEqual(new Error('client went away'));
    expect(shared.exhausted).toBeUndefined();
  });

  it('starts aborted under a parent that already aborted', () => {
    const parent = new AbortController();
    parent.abort();

    expect(budget({}, parent.signal).signal.aborted).toBe(true);
  });
});
