// Internals: the log subscriber takes a scripted clock here, to step through its summary window.
import { UpstreamThrottledError, createClient } from 'resilient-http';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { createLogSubscriber } from '../../src/logging/log-adapter.js';
import { capturePino } from '../support/pino-capture.js';
import type { LogLine } from '../support/pino-capture.js';
import { upstreamFailure } from '../support/rejection.js';
import { useRealServer } from '../support/real-server.js';

const suppressedIn = (lines: LogLine[]): number => lines.reduce((sum, line) => sum + (typeof line.suppressed === 'number' ? line.suppressed : 0), 0);
const base = { service: 'partner', method: 'GET', url: 'https://partner.test/x', requestId: 'r' };

describe('local overload refusals in the logs', () => {
  const upstream = useRealServer();
  afterEach(() => {
    vi.useRealTimers();
  });

  it('summarises a burst of rate-limit refusals like an open circuit\'s: one line, the rest counted as suppressed', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: 29_000_000 * 60_000 });
    const logs = capturePino('info');
    const quota = createClient(upstream.url, { name: 'partner', logger: logs.logger, rateLimit: { limit: 1, intervalMs: 60_000 }, timeout: { total: 5_000 } });
    await quota.get('sent');
    for (let i = 0; i < 200; i++) await upstreamFailure(quota.get('refused'));
    expect(upstream.requests).toHaveLength(1);
    const failed = logs.named('upstream_request_failed');
    expect(failed.length).toBeGreaterThanOrEqual(1);
    expect(failed.length).toBeLessThan(10);
    expect(failed[0]).toMatchObject({ level: 50, code: 'UPSTREAM_THROTTLED', attempts: 0 });
    // The count of the last window waits for the client's next line.
    expect(failed.length + suppressedIn(logs.lines)).toBeLessThanOrEqual(200);
    // Nothing but the failures: no line for the throttle decisions themselves.
    expect(logs.lines.every((line) => line.msg === 'upstream_request_failed')).toBe(true);
  });

  it('writes throttled refusals in their own window, apart from an open circuit\'s, and counts the rest on the next line', () => {
    let now = 0;
    const logs = capturePino('info');
    const subscriber = createLogSubscriber(logs.logger, () => now);
    const end = (attempts: number) => ({
      ...base,
      status: undefined,
      attempts,
      durationMs: 0,
      expected: false,
      error: new UpstreamThrottledError({ ...base, attempts, throttleReason: 'adaptive' }),
    });
    for (let i = 0; i < 50; i++) subscriber.receive('request:end', end(i % 2));
    expect(logs.named('upstream_request_failed')).toHaveLength(1);
    now = 1000;
    subscriber.receive('request:end', end(1));
    expect(logs.named('upstream_request_failed')).toHaveLength(2);
    expect(logs.lines[1]).toMatchObject({ suppressed: 49, code: 'UPSTREAM_THROTTLED' });
  });

  it('logs the fleet store\'s fallback as a warning and its return as info; waits and pauses write nothing', () => {
    const logs = capturePino('info');
    const subscriber = createLogSubscriber(logs.logger);
    subscriber.receive('throttle', { ...base, decision: 'waited', reason: 'rate-limit', waitMs: 20 });
    subscriber.receive('throttle', { ...base, decision: 'paused', reason: 'retry-after', waitMs: 1000 });
    subscriber.receive('throttle', { ...base, decision: 'fallback', reason: 'store', waitMs: undefined, detail: 'timeout' });
    subscriber.receive('throttle', { ...base, decision: 'restored', reason: 'store', waitMs: undefined });
    expect(logs.lines.map((line) => [line.level, line.msg, line.detail])).toEqual([
      [40, 'fleet_store_fallback', 'timeout'],
      [30, 'fleet_store_restored', undefined],
    ]);
  });
});
