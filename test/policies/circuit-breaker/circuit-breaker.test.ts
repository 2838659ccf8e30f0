import {
  createClient, UpstreamAbortedError, UpstreamCircuitOpenError, UpstreamError, UpstreamNotFoundError, UpstreamUnavailableError,
} from 'resilient-http';
import type { ClientOptions } from 'resilient-http';
import { mockUpstream } from 'resilient-http/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { server, useMsw } from '../../../mocks/server.js';
import { capturePino } from '../../support/pino-capture.js';
import { upstreamFailure } from '../../support/rejection.js';
import { countingFetch, untilReal } from '../../support/real-time.js';

useMsw();
const inventory = mockUpstream('https://inventory.test/');
afterEach(() => {
  inventory.reset();
  vi.useRealTimers();
  vi.restoreAllMocks();
});

// Long enough that calls right after opening never become probes on a busy machine.
const HALF_OPEN_AFTER = 100;

function client(options: ClientOptions = {}) {
  return createClient(inventory.baseUrl, {
    name: 'inventory',
    logger: false,
    retry: false,
    circuitBreaker: { consecutiveFailures: 3, halfOpenAfter: HALF_OPEN_AFTER },
    ...options,
  });
}


/** Waits past halfOpenAfter, with a wide margin: the breaker only needs "at least". */
function pastHalfOpen(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, HALF_OPEN_AFTER * 2.5));
}

describe('circuit breaker', () => {
  it('opens after 3 consecutive failures, then rejects at once without sending anything', async () => {
    server.use(inventory.status('get', 'stock', 503));
    const breaker = client();
    for (let i = 0; i < 3; i++) await expect(breaker.get('stock')).rejects.toBeInstanceOf(UpstreamUnavailableError);
    expect(breaker.circuitState).toBe('open');
    expect(inventory.calls).toHaveLength(3);

    const error = await upstreamFailure(breaker.get('stock'));
    expect(error).toBeInstanceOf(UpstreamCircuitOpenError);
    expect(error).toMatchObject({ code: 'UPSTREAM_CIRCUIT_OPEN', statusCode: 503, attempts: 0, service: 'inventory' });
    expect(error.message).toContain('no request sent');
    expect(inventory.calls).toHaveLength(3);
  });

  it('lets one probe through after halfOpenAfter, and closes when it succeeds', async () => {
    server.use(inventory.sequence('get', 'stock', [503, 503, 503, { json: { n: 1 } }]));
    const breaker = client();
    for (let i = 0; i < 3; i++) await breaker.get('stock').catch(() => undefined);
    expect(breaker.circuitState).toBe('open');
    await pastHalfOpen();
    await expect(breaker.get('stock')).resolves.toEqual({ n: 1 });
    expect(inventory.calls).toHaveLength(4);
    expect(breaker.circuitState).toBe('closed');
  });

  it('sends one probe at a time while half-open: a concurrent call waits for it, then goes out', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const slowOk = async (): Promise<Response> => {
      maxInFlight = Math.max(maxInFlight, ++inFlight);
      await new Promise((resolve) => setTimeout(resolve, 20));
      inFlight--;
      return Response.json({ n: 1 });
    };
    server.use(inventory.sequence('get', 'stock', [503, 503, 503, slowOk]));
    const breaker = client();
    for (let i = 0; i < 3; i++) await breaker.get('stock').catch(() => undefined);
    await pastHalfOpen();
    const results = await Promise.all([breaker.get('stock'), breaker.get('stock')]);
    expect(results).toEqual([{ n: 1 }, { n: 1 }]);
    expect(maxInFlight).toBe(1);
    expect(inventory.calls).toHaveLength(5);
    expect(breaker.circuitState).toBe('closed');
  });

  it('rejects a call that waited on a failed probe with UpstreamCircuitOpenError, unsent', async () => {
    server.use(inventory.sequence('get', 'stock', [503, 503, 503, { status: 503, json: {}, delay: 20 }, { json: {} }]));
    const breaker = client();
    for (let i = 0; i < 3; i++) await breaker.get('stock').catch(() => undefined);
    await pastHalfOpen();
    const [probe, waiting] = await Promise.allSettled([breaker.get('stock'), breaker.get('stock')]);
    expect(probe.status === 'rejected' && probe.reason instanceof UpstreamUnavailableError).toBe(true);
    expect(waiting.status === 'rejected' && waiting.reason instanceof UpstreamCircuitOpenError).toBe(true);
    expect(inventory.calls).toHaveLength(4);
  });

  it('reopens when the probe fails, and rejects the next call unsent', async () => {
    server.use(inventory.status('get', 'stock', 503));
    const breaker = client();
    for (let i = 0; i < 3; i++) await breaker.get('stock').catch(() => undefined);
    await pastHalfOpen();
    await expect(breaker.get('stock')).rejects.toBeInstanceOf(UpstreamUnavailableError);
    expect(inventory.calls).toHaveLength(4);
    expect(breaker.circuitState).toBe('open');
    await expect(breaker.get('stock')).rejects.toBeInstanceOf(UpstreamCircuitOpenError);
    expect(inventory.calls).toHaveLength(4);
  });

  it('does not close on a half-open probe the caller cancelled: it reopens', async () => {
    let arrived: () => void = () => undefined;
    server.use(
      inventory.sequence('get', 'stock', [
        503,
        503,
        503,
        () => {
          arrived();
          return new Promise<Response>(() => undefined);
        },
      ]),
    );
    const breaker = client();
    for (let i = 0; i < 3; i++) await breaker.get('stock').catch(() => undefined);
    await pastHalfOpen();
    const controller = new AbortController();
    const probeArrived = new Promise<void>((resolve) => (arrived = resolve));
    const probe = breaker.get('stock', { signal: controller.signal });
    await probeArrived;
    expect(breaker.circuitState).toBe('half-open');
    controller.abort();
    await expect(probe).rejects.toBeInstanceOf(UpstreamAbortedError);
    expect(breaker.circuitState).toBe('open');
    await expect(breaker.get('stock')).rejects.toBeInstanceOf(UpstreamCircuitOpenError);
    expect(inventory.calls).toHaveLength(4);
  });

  it('does not count a cancelled call while closed', async () => {
    server.use(inventory.sequence('get', 'stock', [503, 503, { json: {}, delay: 'infinite' }, 503]));
    const breaker = client();
    for (let i = 0; i < 2; i++) await breaker.get('stock').catch(() => undefined);
    const controller = new AbortController();
    const cancelled = breaker.get('stock', { signal: controller.signal });
    await expect.poll(() => inventory.calls.length).toBe(3);
    controller.abort();
    await expect(cancelled).rejects.toBeInstanceOf(UpstreamAbortedError);
    expect(breaker.circuitState).toBe('closed');
    await breaker.get('stock').catch(() => undefined);
    expect(breaker.circuitState).toBe('open');
  });

  it('never opens on 4xx answers: 10 × 404 leave it closed', async () => {
    server.use(inventory.status('get', 'missing', 404));
    const breaker = client();
    for (let i = 0; i < 10; i++) await expect(breaker.get('missing')).rejects.toBeInstanceOf(UpstreamNotFoundError);
    expect(breaker.circuitState).toBe('closed');
    expect(inventory.calls).toHaveLength(10);
  });

  it('resets the consecutive count on a 4xx answer', async () => {
    server.use(inventory.sequence('get', 'stock', [503, 503, 404, 503, 503, 503]));
    const breaker = client();
    for (let i = 0; i < 5; i++) await breaker.get('stock').catch(() => undefined);
    expect(breaker.circuitState).toBe('closed');
    await breaker.get('stock').catch(() => undefined);
    expect(breaker.circuitState).toBe('open');
    expect(inventory.calls).toHaveLength(6);
  });

  it('counts network errors as failures', async () => {
    server.use(inventory.networkError('get', 'stock'));
    const breaker = client();
    for (let i = 0; i < 3; i++) await breaker.get('stock').catch(() => undefined);
    expect(breaker.circuitState).toBe('open');
  });

  it('never waits out a backoff once the breaker is open', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    vi.spyOn(Math, 'random').mockReturnValue(0.5);
    server.use(inventory.status('get', 'stock', 503));
    const { logger, named } = capturePino();
    const sends = countingFetch();
    const breaker = client({
      logger,
      fetch: sends.fetch,
      retry: { maxAttempts: 5, initialDelay: 1_000, maxDelay: 10_000, budget: false },
      circuitBreaker: { consecutiveFailures: 2, halfOpenAfter: 60_000 },
    });
    let settled: unknown;
    void breaker.get('stock').catch((error: unknown) => (settled = error));
    // The clock stands still until the first 503 is back and the backoff is scheduled (see test/support/real-time.ts).
    await untilReal(() => named('upstream_retry').length === 1, 'the first backoff');
    // The first backoff is 500 ms (jitter 0.5 of 1 000); the second would be 1 000 ms.
    await vi.advanceTimersByTimeAsync(499);
    expect(sends.sent()).toBe(1);
    expect(inventory.calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(sends.sent()).toBe(2);
    // The clock no longer moves: the call must end without waiting out the second backoff.
    await untilReal(() => settled !== undefined, 'the call to settle');
    expect(inventory.calls).toHaveLength(2);
    expect(named('upstream_retry')).toHaveLength(1);
    expect(breaker.circuitState).toBe('open');
    expect(settled).toBeInstanceOf(UpstreamUnavailableError);
    expect((settled as UpstreamError).attempts).toBe(2);
  });

  it('writes circuit_opened, circuit_half_open and circuit_closed with the request fields', async () => {
    const { logger, named } = capturePino();
    server.use(inventory.sequence('get', 'stock', [503, 503, 503, { json: {} }]));
    const breaker = client({ logger });
    for (let i = 1; i <= 3; i++) await breaker.get('stock', { requestId: `r${i}` }).catch(() => undefined);
    await pastHalfOpen();
    await breaker.get('stock', { requestId: 'probe' });
    const fields = { service: 'inventory', method: 'GET', url: 'https://inventory.test/stock' };
    expect(named('circuit_opened')).toEqual([expect.objectContaining({ ...fields, requestId: 'r3', state: 'open' })]);
    expect(named('circuit_half_open')).toEqual([expect.objectContaining({ ...fields, requestId: 'probe', state: 'half-open' })]);
    expect(named('circuit_closed')).toEqual([expect.objectContaining({ ...fields, requestId: 'probe', state: 'closed' })]);
  });

  it('opens a sampling breaker on the failure ratio, not on consecutive failures', async () => {
    // Alternating answers never make 2 consecutive failures; the ratio passes 0.5 on the 11th request.
    const answers = [200, 503, 200, 503, 200, 503, 200, 503, 200, 503, 503];
    server.use(inventory.sequence('get', 'stock', answers));
    const breaker = client({ circuitBreaker: { sampling: { threshold: 0.5, duration: 10_000, minimumRps: 1 }, halfOpenAfter: 60_000 } });
    for (let i = 0; i < 10; i++) await breaker.get('stock').catch(() => undefined);
    expect(breaker.circuitState).toBe('closed');
    await breaker.get('stock').catch(() => undefined);
    expect(breaker.circuitState).toBe('open');
    await expect(breaker.get('stock')).rejects.toBeInstanceOf(UpstreamCircuitOpenError);
    expect(inventory.calls).toHaveLength(11);
  });
});
