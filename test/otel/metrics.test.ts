import type { Histogram } from '@opentelemetry/sdk-metrics';
import { UpstreamUnavailableError, createClient } from 'resilient-http';
import type { ClientOptions } from 'resilient-http';
import { METRIC, instrumentOpenTelemetry } from 'resilient-http/otel';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

import { pointsOf, startOtelSdk } from '../support/otel-sdk.js';
import type { OtelSdk } from '../support/otel-sdk.js';
import { answerJson, answerLater, useRealServer } from '../support/real-server.js';
import { rejectionOf } from '../support/rejection.js';

const upstream = useRealServer((request, response, seen) => {
// /flaky fails once per call; /down always; /slow hangs on a call's first request.
if (request.url === '/down' || (request.url === '/flaky' && seen === 1)) response.writeHead(503).end();
else if (request.url === '/slow' && seen === 1) answerLater(response, 2_000, {});
else answerJson(response, { ok: true });
});
let sdk: OtelSdk;
let uninstrument: () => void;
beforeAll(() => {
  sdk = startOtelSdk();
  uninstrument = instrumentOpenTelemetry();
});
afterAll(async () => {
  uninstrument();
  await sdk.shutdown();
});

function client(name: string, options: ClientOptions = {}) {
  return createClient(upstream.url, { name, logger: false, retry: { initialDelay: 1, maxDelay: 5 }, ...options });
}

/** The points of `metric` for the service `name`, as attributes and value. */
async function pointsFor(metric: string, name: string) {
  return pointsOf(await sdk.collect(), metric)
    .filter((point) => point.attributes.service === name)
    .map((point) => ({ attributes: point.attributes, value: point.value }));
}

describe('instrumentOpenTelemetry: metrics', () => {
  it('records durations, attempts and retries of a retried and a failed call', async () => {
    const orders = client('orders');
    await expect(orders.get('flaky')).resolves.toEqual({ ok: true });
    expect(await rejectionOf(orders.get('down'))).toBeInstanceOf(UpstreamUnavailableError);
    expect(upstream.requests).toHaveLength(2 + 3);

    const base = { service: 'orders', 'http.request.method': 'GET' };
    expect(await pointsFor(METRIC.attempts, 'orders')).toEqual(
      expect.arrayContaining([
        { attributes: base, value: 1 },
        { attributes: { ...base, 'error.type': 'UPSTREAM_UNAVAILABLE' }, value: 1 + 3 },
      ]),
    );
    expect(await pointsFor(METRIC.attempts, 'orders')).toHaveLength(2);
    expect(await pointsFor(METRIC.retries, 'orders')).toEqual([{ attributes: { ...base, reason: 'status 503' }, value: 1 + 2 }]);

    const durations = await pointsFor(METRIC.callDuration, 'orders');
    expect(durations.map((point) => point.attributes)).toEqual([
      { ...base, 'http.response.status_code': 200 },
      { ...base, 'http.response.status_code': 503, 'error.type': 'UPSTREAM_UNAVAILABLE' },
    ]);
    for (const { value } of durations) {
      const histogram = value as Histogram;
      expect(histogram.count).toBe(1);
      // Seconds, not milliseconds: a local call with millisecond backoffs takes well under 5 s.
      expect(histogram.sum).toBeGreaterThan(0);
      expect(histogram.sum).toBeLessThan(5);
      expect(histogram.buckets.boundaries).toEqual([0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10]);
    }
    const [descriptor] = (await sdk.collect()).filter((metric) => metric.descriptor.name === METRIC.callDuration).map((metric) => metric.descriptor);
    expect(descriptor?.unit).toBe('s');
  });

  it('counts hedges, retry budget refusals and circuit transitions', async () => {
    await client('search', { hedging: { delay: 30 } }).get('slow');
    const base = (service: string) => ({ service, 'http.request.method': 'GET' });
    expect(await pointsFor(METRIC.hedges, 'search')).toEqual([{ attributes: base('search'), value: 1 }]);
    // The lost hedge's attempt settles once its abort lands, a moment after the call answered.
    await vi.waitFor(async () => {
      expect(await pointsFor(METRIC.attempts, 'search')).toEqual(
        expect.arrayContaining([
          { attributes: base('search'), value: 1 },
          { attributes: { ...base('search'), 'error.type': 'UPSTREAM_ABORTED' }, value: 1 },
        ]),
      );
    });

    const thrifty = client('thrifty', { retry: { initialDelay: 1, budget: { percent: 0.01, minRetriesPerSecond: 0 } } });
    await rejectionOf(thrifty.get('down'));
    expect(await pointsFor(METRIC.budgetExhausted, 'thrifty')).toEqual([{ attributes: { ...base('thrifty'), refused: 'retry' }, value: 1 }]);
    expect(await pointsFor(METRIC.retries, 'thrifty')).toEqual([]);

    const fragile = client('fragile', { retry: false, circuitBreaker: { consecutiveFailures: 1 } });
    await rejectionOf(fragile.get('down'));
    expect(fragile.circuitState).toBe('open');
    expect(await pointsFor(METRIC.circuitTransitions, 'fragile')).toEqual([{ attributes: { ...base('fragile'), state: 'open' }, value: 1 }]);
  });

  it('counts local overload decisions by decision and reason', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: 29_000_000 * 60_000 });
    try {
      const limited = client('limited', { rateLimit: { limit: 1, intervalMs: 60_000 }, timeout: { total: 5_000 } });
      await limited.get('fine');
      await rejectionOf(limited.get('fine'));
      await rejectionOf(limited.get('fine'));
    } finally {
      vi.useRealTimers();
    }
    expect(await pointsFor(METRIC.throttleDecisions, 'limited')).toEqual([
      { attributes: { service: 'limited', 'http.request.method': 'GET', decision: 'throttled', reason: 'rate-limit' }, value: 2 },
    ]);
  });

  it('records nothing once undone', async () => {
    uninstrument();
    await client('quiet').get('flaky');
    uninstrument = instrumentOpenTelemetry();
    expect(await pointsFor(METRIC.attempts, 'quiet')).toEqual([]);
    expect(await pointsFor(METRIC.callDuration, 'quiet')).toEqual([]);
    expect(await pointsFor(METRIC.retries, 'quiet')).toEqual([]);
  });
});
