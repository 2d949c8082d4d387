import { describe, expect, it } from '@jest/globals';
import { withinTimeout, withRequestSignal } from './request-signal.js';

describe('withRequestSignal', () => {
  it('follows the parent signal while the request runs, and leaves no listener behind', async () => {
    const parent = new AbortController();
    let seen: AbortSignal | undefined;
    for (let i = 0; i < 50; i++) {
      await withRequestSignal(parent.signal, async (signal) => {
        seen = signal;
        signal.addEventListener('abort', () => undefined);
      });
    }
    expect(seen?.aborted).toBe(false);
    parent.abort();
    expect(seen?.aborted).toBe(false);

    const outer = new AbortController();
    const cancelled = withRequestSignal(
      outer.signal,
      (signal) =>
        new Promise((_, reject) => signal.addEventListener('abort', () => reject(new Error('x')))),
    );
    outer.abort();
    await expect(cancelled).rejects.toThrow('x');
  });
});

describe('withinTimeout', () => {
  it('rejects after the delay and releases what the work holds', async () => {
    let released = false;
    const never = new Promise<never>(() => undefined);
    await expect(
      withinTimeout(never, 20, async () => {
        released = true;
      }),
    ).rejects.toThrow(/no answer within 20 ms/);
    expect(released).toBe(true);
    await expect(withinTimeout(Promise.resolve(7), 20, async () => undefined)).resolves.toBe(7);
  });
});
