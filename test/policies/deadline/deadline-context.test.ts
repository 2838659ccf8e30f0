import { getEventListeners } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';

import { UpstreamAbortedError, UpstreamTimeoutError, createClient, withRequestContext } from 'resilient-http';
import type { ClientOptions } from 'resilient-http';
import { describe, expect, it } from 'vitest';

import { LEVEL, capturePino } from '../../support/pino-capture.js';
import { answerJson, answerLater, useRealServer } from '../../support/real-server.js';
import { upstreamFailure } from '../../support/rejection.js';

const upstream = useRealServer();

function client(options: ClientOptions = {}) {
  return createClient(upstream.url, { name: 'billing', logger: false, circuitBreaker: false, retry: { initialDelay: 1 }, ...options });
}

/** An upstream that answers only after 10 s, unless the request is closed first. */
function slowUpstream(): void {
  upstream.handle((_request, response) => {
    answerLater(response, 10_000, { late: true });
  });
}

async function upstreamReceived(count: number): Promise<void> {
  for (let waited = 0; upstream.requests.length < count; waited += 5) {
    if (waited > 5_000) throw new Error(`the upstream received ${upstream.requests.length} requests, not ${count}`);
    await sleep(5);
  }
}

describe('a call inside a context with a deadline', () => {
  it('rejects at once, nothing sent, when the deadline has already passed', async () => {
    upstream.handle((_request, response) => {
      answerJson(response, { ok: true });
    });
    const error = await withRequestContext({ timeoutMs: 1 }, async () => {
      await sleep(20);
      return upstreamFailure(client().get('invoices/7'));
    });
    expect(error).toBeInstanceOf(UpstreamTimeoutError);
    expect(error).toMatchObject({ code: 'UPSTREAM_TIMEOUT', timeoutKind: 'deadline', timeoutMs: 0, attempts: 0 });
    expect(upstream.requests).toHaveLength(0);
  });

  it('sends nothing past the deadline behind a bulkhead or in a nested context with a longer timeoutMs', async () => {
    const limited = client({ bulkhead: { limit: 1, queue: 1 }, hedging: { delay: 5 } });
    const error = await withRequestContext({ timeoutMs: 1 }, async () => {
      await sleep(20);
      return withRequestContext({ timeoutMs: 60_000 }, () => upstreamFailure(limited.get('invoices/7')));
    });
    expect(error).toMatchObject({ timeoutKind: 'deadline', attempts: 0 });
    expect(upstream.requests).toHaveLength(0);
  });

  it('ends by the deadline mid-flight: the attempt is aborted, its socket closed, and never retried', async () => {
    slowUpstream();
    const started = performance.now();
    const error = await withRequestContext({ timeoutMs: 150 }, () => upstreamFailure(client({ retry: { maxAttempts: 3, initialDelay: 1 } }).get('invoices/7')));
    expect(performance.now() - started).toBeLessThan(2_000);
    if (!(error instanceof UpstreamTimeoutError)) throw new Error(`expected an UpstreamTimeoutError, got ${error.name}`);
    const timeout = error;
    expect(timeout.timeoutKind).toBe('deadline');
    expect(Number.isInteger(timeout.timeoutMs)).toBe(true);
    expect(timeout.timeoutMs).toBeGreaterThan(100);
    expect(timeout.timeoutMs).toBeLessThanOrEqual(150);
    expect(timeout.attempts).toBe(1);
    expect(await upstream.requests[0]!.closedEarly).toBe(true);
    await sleep(100);
    expect(upstream.requests).toHaveLength(1);
  });

  it('ends by the deadline while queued behind a full bulkhead, and the queued call never sends', async () => {
    slowUpstream();
    const limited = client({ bulkhead: { limit: 1, queue: 1 }, timeout: { attempt: 600 }, retry: false });
    const first = upstreamFailure(limited.get('invoices/1'));
    await upstreamReceived(1);
    const started = performance.now();
    const queued = await withRequestContext({ timeoutMs: 100 }, () => upstreamFailure(limited.get('invoices/2')));
    expect(performance.now() - started).toBeLessThan(500); // the slot frees only at 600 ms
    expect(queued).toMatchObject({ timeoutKind: 'deadline', attempts: 0 });
    expect(await first).toMatchObject({ timeoutKind: 'attempt' });
    await sleep(50);
    expect(upstream.requests.map((request) => request.url)).toEqual(['/invoices/1']);
  });

  it('ends by the deadline across hedges, closing every one', async () => {
    slowUpstream();
    const error = await withRequestContext({ timeoutMs: 200 }, () => upstreamFailure(client({ hedging: { delay: 20 } }).get('invoices/7')));
    expect(error).toMatchObject({ timeoutKind: 'deadline', attempts: 2 });
    expect(await Promise.all(upstream.requests.map((request) => request.closedEarly))).toEqual([true, true]);
  });

  it('keeps the total timeout when it comes before the deadline', async () => {
    slowUpstream();
    const error = await withRequestContext({ timeoutMs: 5_000 }, () => upstreamFailure(client({ timeout: { total: 100 } }).get('invoices/7')));
    expect(error).toMatchObject({ timeoutKind: 'total', timeoutMs: 100 });
  });

  it('neither opens the circuit nor counts as a healthy answer: the deadline is the caller\'s limit', async () => {
    slowUpstream();
    const billing = client({ circuitBreaker: { consecutiveFailures: 2, halfOpenAfter: 60_000 }, retry: false, timeout: { attempt: 100 } });
    for (let i = 0; i < 3; i++) {
      expect(await withRequestContext({ timeoutMs: 30 }, () => upstreamFailure(billing.get('invoices/7')))).toMatchObject({ timeoutKind: 'deadline' });
    }
    expect(billing.circuitState).toBe('closed');
    expect(await upstreamFailure(billing.get('invoices/7'))).toMatchObject({ timeoutKind: 'attempt' });
    await withRequestContext({ timeoutMs: 30 }, () => upstreamFailure(billing.get('invoices/7')));
    expect(await upstreamFailure(billing.get('invoices/7'))).toMatchObject({ timeoutKind: 'attempt' });
    expect(billing.circuitState).toBe('open');
  });

  it('does not start a backoff wait that would pass the deadline', async () => {
    // Retry-After fixes the wait at 5 s (a jittered backoff could be drawn under the time left).
    upstream.handle((_request, response) => {
      response.writeHead(503, { 'retry-after': '5' }).end();
    });
    const error = await withRequestContext({ timeoutMs: 300 }, () =>
      upstreamFailure(client({ retry: { maxAttempts: 3, initialDelay: 5_000, maxDelay: 5_000 } }).get('invoices/7')),
    );
    // The 5 s wait does not fit in the 300 ms left: it fails at once with the 503's own typed error.
    expect(error).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', attempts: 1 });
    expect(error.durationMs).toBeLessThan(2_000);
    expect(upstream.requests).toHaveLength(1);
  });
});

describe('a call inside a context with a signal (a job, a consumer)', () => {
  it('is cancelled mid-flight with UpstreamAbortedError: its socket closed, no further attempt, one warn line', async () => {
    slowUpstream();
    const logs = capturePino();
    const job = new AbortController();
    const call = withRequestContext({ requestId: 'job-1', signal: job.signal }, () =>
      upstreamFailure(client({ logger: logs.logger, timeout: { attempt: 300 }, retry: { maxAttempts: 3, initialDelay: 1 } }).get('invoices/7')),
    );
    await upstreamReceived(1);
    job.abort(new Error('shutting down'));
    const error = await call;
    expect(error).toBeInstanceOf(UpstreamAbortedError);
    expect(error).toMatchObject({ code: 'UPSTREAM_ABORTED', requestId: 'job-1', attempts: 1 });
    expect((error.cause as Error).message).toBe('shutting down');
    expect(await upstream.requests[0]!.closedEarly).toBe(true);
    // A retry follows a closed attempt within a few ms (initialDelay 1), and an attempt left running ends by 300 ms.
    await sleep(400);
    expect(upstream.requests).toHaveLength(1);
    const failures = logs.named('upstream_request_failed');
    expect(failures.map((line) => line.level)).toEqual([LEVEL.warn]);
    expect(logs.lines.filter((line) => line.level >= LEVEL.error)).toEqual([]);
  });

  it('sends nothing when the signal has already aborted', async () => {
    const job = new AbortController();
    job.abort();
    const error = await withRequestContext({ signal: job.signal }, () => upstreamFailure(client().get('invoices/7')));
    expect(error).toMatchObject({ code: 'UPSTREAM_ABORTED', attempts: 0 });
    expect(upstream.requests).toHaveLength(0);
  });

  it('is cancelled by either its own signal option or the context signal', async () => {
    slowUpstream();
    const job = new AbortController();
    const own = new AbortController();
    const call = withRequestContext({ signal: job.signal }, () => upstreamFailure(client().get('invoices/7', { signal: own.signal })));
    await upstreamReceived(1);
    own.abort('call cancelled');
    expect(await call).toMatchObject({ code: 'UPSTREAM_ABORTED', cause: 'call cancelled' });
    expect(job.signal.aborted).toBe(false);
    expect(getEventListeners(job.signal, 'abort')).toHaveLength(0);
    expect(getEventListeners(own.signal, 'abort')).toHaveLength(0);
  });

  it('adds one listener per call to the context signal 50 calls share, each removed as its call settles', async () => {
    upstream.handle((_request, response) => {
      answerLater(response, 30, { ok: true });
    });
    const job = new AbortController();
    const own = new AbortController();
    const billing = client({ hedging: { delay: 10 } });
    await withRequestContext({ signal: job.signal }, async () => {
      const calls = Array.from({ length: 50 }, (_, i) => billing.get(`items/${String(i)}`, { signal: own.signal }));
      expect(getEventListeners(job.signal, 'abort')).toHaveLength(50);
      expect(getEventListeners(own.signal, 'abort')).toHaveLength(50);
      await Promise.all(calls);
    });
    expect(getEventListeners(job.signal, 'abort')).toHaveLength(0);
    expect(getEventListeners(own.signal, 'abort')).toHaveLength(0);
  });
});
