// Internals: the backoff wait has no public entry point of its own.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { sleep } from '../../src/policies/sleep.js';

describe('sleep', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('goes on at once for a zero wait, without a timer', async () => {
    const done = sleep(0, undefined);
    expect(vi.getTimerCount()).toBe(0);
    await expect(done).resolves.toBe(true);
  });

  it('answers false for a zero wait whose signal has already aborted', async () => {
    await expect(sleep(0, AbortSignal.abort())).resolves.toBe(false);
  });

  it('waits out a positive wait on the clock, and stops early on abort', async () => {
    const waited = sleep(50, undefined);
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(50);
    await expect(waited).resolves.toBe(true);

    const controller = new AbortController();
    const cut = sleep(1_000, controller.signal);
    controller.abort();
    await expect(cut).resolves.toBe(false);
    expect(vi.getTimerCount()).toBe(0);
  });
});
