import { describe, expect, it } from '@jest/globals';
import { CallSlots, SlotWaitCancelledError } from './call-slots.js';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = () => {};
  const promise = new Promise<void>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

describe('CallSlots', () => {
  it('runs at most `limit` calls at once, the others in arrival order', async () => {
    const slots = new CallSlots(2);
    const gates = [deferred(), deferred(), deferred(), deferred()];
    const started: number[] = [];
    const runs = gates.map((gate, i) =>
      slots.run(async () => {
        started.push(i);
        await gate.promise;
        return i;
      }),
    );
    await Promise.resolve();
    expect(started).toEqual([0, 1]);
    gates[1].resolve();
    await runs[1];
    await Promise.resolve();
    expect(started).toEqual([0, 1, 2]);
    gates.forEach((gate) => gate.resolve());
    expect(await Promise.all(runs)).toEqual([0, 1, 2, 3]);
    expect(started).toEqual([0, 1, 2, 3]);
  });

  it('frees the slot when a call fails', async () => {
    const slots = new CallSlots(1);
    await expect(slots.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(slots.run(() => Promise.resolve('next'))).resolves.toBe('next');
  });

  it('lets a waiting caller give up when its signal aborts', async () => {
    const slots = new CallSlots(1);
    const gate = deferred();
    const first = slots.run(() => gate.promise);
    const controller = new AbortController();
    let ran = false;
    const waiting = slots.run(async () => {
      ran = true;
    }, controller.signal);
    controller.abort();
    await expect(waiting).rejects.toBeInstanceOf(SlotWaitCancelledError);
    gate.resolve();
    await first;
    await expect(slots.run(() => Promise.resolve('free'))).resolves.toBe('free');
    expect(ran).toBe(false);
  });
});
