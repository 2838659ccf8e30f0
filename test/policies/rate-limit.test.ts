// Internals: the window arithmetic and the slot search are tested with a scripted clock below; the client-level tests use the public API.
import { CHANNELS, UpstreamThrottledError, createClient } from 'resilient-http';
import type { ClientOptions, ThrottleEvent } from 'resilient-http';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { LocalWindows, findSlot, maxSlotWait, normalizeRateLimit } from '../../src/policies/rate-limit.js';
import { collectEvents } from '../support/channel-events.js';
import { upstreamFailure } from '../support/rejection.js';
import { answerLater, useRealServer } from '../support/real-server.js';

/** The start of a 1-minute window on the epoch clock (and so of every shorter window that divides it). */
const WINDOW_START = 29_000_000 * 60_000;

describe('findSlot and LocalWindows (pure)', () => {
  const local = (limit: number) => {
    const windows = new LocalWindows();
    return (window: number) => windows.take(window, limit, 0);
  };

  it('grants the current window without waiting until it is full, then the next window after the wait to its start', async () => {
    const take = local(2);
    const full: number[] = [];
    const at = WINDOW_START + 300;
    expect(await findSlot(at, 1000, 10_000, 0, take, (w) => full.push(w))).toEqual({ granted: true, waitMs: 0 });
    expect(await findSlot(at, 1000, 10_000, 0, take, (w) => full.push(w))).toEqual({ granted: true, waitMs: 0 });
    expect(await findSlot(at, 1000, 10_000, 0, take, (w) => full.push(w))).toEqual({ granted: true, waitMs: 700 });
    expect(await findSlot(at, 1000, 10_000, 0, take, (w) => full.push(w))).toEqual({ granted: true, waitMs: 700 });
    expect(await findSlot(at, 1000, 10_000, 0, take, (w) => full.push(w))).toEqual({ granted: true, waitMs: 1700 });
    expect(full).toEqual([WINDOW_START / 1000, WINDOW_START / 1000, WINDOW_START / 1000, WINDOW_START / 1000 + 1]);
  });

  it('refuses, taking nothing, when the first free window starts at or after the time left; the wait is the retryAfterMs', async () => {
    const take = vi.fn(local(1));
    const at = WINDOW_START + 250;
    await findSlot(at, 1000, 5_000, 0, take, () => undefined);
    take.mockClear();
    expect(await findSlot(at, 1000, 750, 0, take, () => undefined)).toEqual({ granted: false, waitMs: 750 });
    expect(take.mock.calls).toEqual([[WINDOW_START / 1000]]);
  });

  it('skips windows known full without asking the store', async () => {
    const take = vi.fn(() => true);
    const now = WINDOW_START;
    const current = now / 100;
    expect(await findSlot(now, 100, 10_000, current + 3, take, () => undefined)).toEqual({ granted: true, waitMs: 300 });
    expect(take.mock.calls).toEqual([[current + 3]]);
  });

  it('leaves the attempt half the call\'s time left, at most its attempt timeout: a slot is never spent on a caller about to leave', () => {
    expect(maxSlotWait(2_000, 2_000)).toBe(1_000);
    expect(maxSlotWait(30_000, 10_000)).toBe(20_000);
    expect(maxSlotWait(0, 10_000)).toBe(0);
  });

  it('validates rateLimit, naming the option path', () => {
    expect(normalizeRateLimit(undefined)).toBeUndefined();
    expect(normalizeRateLimit({ limit: 5, intervalMs: 1000 })).toEqual({ limit: 5, intervalMs: 1000 });
    expect(() => createClient('http://127.0.0.1:1/', { rateLimit: { limit: 0, intervalMs: 1000 } })).toThrow(
      new TypeError('rateLimit.limit must be an integer >= 1, got 0'),
    );
    expect(() => createClient('http://127.0.0.1:1/', { rateLimit: { limit: 1 } as never })).toThrow(/^rateLimit\.intervalMs must be a number > 0/);
  });
});

describe('rateLimit against a real upstream (the epoch clock frozen; timers real)', () => {
  const upstream = useRealServer();
  const events = collectEvents<ThrottleEvent>([CHANNELS.throttle]);
  afterEach(() => {
    vi.useRealTimers();
  });

  const client = (options: ClientOptions) => createClient(upstream.url, { name: 'quota', logger: false, ...options });

  it('sends `limit` attempts in a window and rejects the next call at once when the next window starts after its time left', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: WINDOW_START });
    const quota = client({ rateLimit: { limit: 2, intervalMs: 60_000 }, timeout: { total: 30_000 } });
    await quota.get('a');
    await quota.get('b');
    const started = performance.now();
    const error = await upstreamFailure(quota.get('c'));
    expect(performance.now() - started).toBeLessThan(1000);
    expect(upstream.requests.map((request) => request.url)).toEqual(['/a', '/b']);
    expect(error).toBeInstanceOf(UpstreamThrottledError);
    expect(error).toMatchObject({ code: 'UPSTREAM_THROTTLED', statusCode: 503, reason: 'rate-limit', retryAfterMs: 60_000, attempts: 0, retryable: true });
    expect(events.map((event) => [event.decision, event.reason, event.waitMs])).toEqual([['throttled', 'rate-limit', 60_000]]);
  });

  it('makes an attempt wait for the next window when it starts within the call\'s time left, then sends it', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: WINDOW_START + 940 });
    const quota = client({ rateLimit: { limit: 1, intervalMs: 1000 } });
    await quota.get('first');
    const started = performance.now();
    await quota.get('second');
    expect(performance.now() - started).toBeGreaterThanOrEqual(55);
    expect(upstream.requests).toHaveLength(2);
    expect(events.map((event) => [event.decision, event.reason, event.waitMs])).toEqual([['waited', 'rate-limit', 60]]);
  });

  it('counts a hedge as an attempt: sent only when the current window has a slot free at once', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: WINDOW_START });
    upstream.handle((_req, res, seen) => {
      if (seen === 1) answerLater(res, 300, { slow: true });
      else res.end('fast');
    });
    const tight = client({ rateLimit: { limit: 1, intervalMs: 60_000 }, hedging: { delay: 20 } });
    await expect(tight.get('slow')).resolves.toEqual({ slow: true });
    expect(upstream.requests).toHaveLength(1);
    expect(events.map((event) => [event.decision, event.reason])).toEqual([['throttled', 'rate-limit']]);

    upstream.reset();
    const roomy = client({ rateLimit: { limit: 2, intervalMs: 60_000 }, hedging: { delay: 20 } });
    await expect(roomy.get('slow')).resolves.toBe('fast');
    expect(upstream.requests).toHaveLength(2);
  });

  it('counts retries against the limit: a retry that finds no slot within the time left ends the call as rate-limited', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: WINDOW_START });
    upstream.handle((_req, res) => {
      res.statusCode = 503;
      res.end();
    });
    const quota = client({ rateLimit: { limit: 1, intervalMs: 60_000 }, retry: { initialDelay: 1 } });
    const error = await upstreamFailure(quota.get('busy'));
    expect(upstream.requests).toHaveLength(1);
    expect(error).toMatchObject({ code: 'UPSTREAM_THROTTLED', reason: 'rate-limit', attempts: 1 });
  });
});
