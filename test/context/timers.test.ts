// Internals: no public entry point exports it; the one race every wait of the package uses.
import { getEventListeners } from 'node:events';

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { ABORTED, MAX_TIMER_MS, TIMED_OUT, clampDelay, race, settledUnlessAborted } from '../../src/context/timers.js';

describe('race()', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('settles with the work when it comes first, and leaves no timer or listener behind', async () => {
    const controller = new AbortController();
    const settled = race(Promise.resolve('done'), controller.signal, 1_000);
    await expect(settled).resolves.toBe('done');
    expect(vi.getTimerCount()).toBe(0);
    controller.abort();
    await vi.advanceTimersByTimeAsync(2_000);
  });

  it('settles with TIMED_OUT once the time runs out, and with ABORTED when the signal aborts first', async () => {
    const never = new Promise<string>(() => undefined);
    const timed = race(never, undefined, 50);
    await vi.advanceTimersByTimeAsync(49);
    let end: unknown;
    void timed.then((value) => (end = value));
    await vi.advanceTimersByTimeAsync(0);
    expect(end).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(end).toBe(TIMED_OUT);

    const controller = new AbortController();
    const aborted = race(never, controller.signal, 50);
    controller.abort();
    await expect(aborted).resolves.toBe(ABORTED);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('is ABORTED at once for a signal already aborted, and a plain wait without work', async () => {
    await expect(race(undefined, AbortSignal.abort(), 10)).resolves.toBe(ABORTED);
    const wait = race(undefined, undefined, 10);
    await vi.advanceTimersByTimeAsync(10);
    await expect(wait).resolves.toBe(TIMED_OUT);
  });

  it('rejects with the work\'s error, as an Error', async () => {
    await expect(race(Promise.reject(new RangeError('boom')), undefined, 10)).rejects.toThrow(RangeError);
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- what a careless caller's work may do
    await expect(race(Promise.reject('text'), undefined, 10)).rejects.toThrow('text');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('bounds a delay to what a timer honours', async () => {
    expect(clampDelay(-5)).toBe(0);
    expect(clampDelay(1.6)).toBe(2);
    expect(clampDelay(Number.MAX_SAFE_INTEGER)).toBe(MAX_TIMER_MS);
    let end: unknown;
    void race(undefined, undefined, Number.MAX_SAFE_INTEGER).then((value) => (end = value));
    // A delay past the limit would fire after 1 ms; bounded, it waits.
    await vi.advanceTimersByTimeAsync(10);
    expect(end).toBeUndefined();
    expect(vi.getTimerCount()).toBe(1);
    vi.clearAllTimers();
  });
});

describe('settledUnlessAborted()', () => {
  it('says how the work settled, a rejection kept as it was, Error or not', async () => {
    const signal = new AbortController().signal;
    await expect(settledUnlessAborted(Promise.resolve(7), signal)).resolves.toEqual({ ok: true, value: 7 });
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- a hook may reject with anything
    await expect(settledUnlessAborted(Promise.reject('plain text'), signal)).resolves.toEqual({ ok: false, error: 'plain text' });
  });

  it('ends the wait with the signal\'s reason once it aborts, however long the work takes, and leaves no listener', async () => {
    const controller = new AbortController();
    const waiting = settledUnlessAborted(new Promise(() => undefined), controller.signal);
    const reason = new Error('caller gone');
    controller.abort(reason);
    await expect(waiting).resolves.toEqual({ ok: false, error: reason });
    const already = settledUnlessAborted(new Promise(() => undefined), controller.signal);
    await expect(already).resolves.toEqual({ ok: false, error: reason });
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('removes its abort listener once the work settles first', async () => {
    const signal = new AbortController().signal;
    await settledUnlessAborted(Promise.resolve('done'), signal);
    expect(getEventListeners(signal, 'abort')).toHaveLength(0);
  });
});
