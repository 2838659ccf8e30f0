import { pino } from 'pino';
import { UpstreamAbortedError, UpstreamConcurrencyLimitError, UpstreamTimeoutError, createClient } from 'resilient-http';
import type { ClientOptions } from 'resilient-http';
import { mockUpstream } from 'resilient-http/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { server, useMsw } from '../../mocks/server.js';
import { gates } from '../support/fleet-gate.js';
import type { Gates } from '../support/fleet-gate.js';

useMsw();
const ledger = mockUpstream('https://ledger.test/');
afterEach(() => {
  ledger.reset();
});

/** A slow upstream: every request waits for the test to open its gate. */
function slowUpstream(): Gates {
  const upstream = gates();
  server.use(
    ledger.always('get', 'entries/:id', async (request) => {
      await upstream.hold(new URL(request.url).pathname);
      return Response.json({ path: new URL(request.url).pathname });
    }),
  );
  return upstream;
}

function client(options: ClientOptions) {
  return createClient('https://ledger.test/', { name: 'ledger', logger: false, retry: { initialDelay: 1 }, ...options });
}

/** Tracks whether a promise settled, without consuming its rejection. */
function track<T>(promise: Promise<T>): { promise: Promise<T>; readonly settled: boolean } {
  const state = { promise, settled: false };
  promise.then(
    () => (state.settled = true),
    () => (state.settled = true),
  );
  return state;
}

describe('bulkhead', () => {
  it('rejects the call beyond limit + queue at once, with nothing sent for it', async () => {
    const upstream = slowUpstream();
    const ledgerClient = client({ bulkhead: { limit: 2, queue: 1 } });
    const calls = ['/entries/1', '/entries/2', '/entries/3'].map((path) => track(ledgerClient.get(path.slice(1))));

    const error = await ledgerClient.get('entries/4').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UpstreamConcurrencyLimitError);
    expect(error).toMatchObject({
      code: 'UPSTREAM_CONCURRENCY_LIMIT',
      statusCode: 503,
      attempts: 0,
      service: 'ledger',
      method: 'GET',
      url: 'https://ledger.test/entries/4',
      retryable: true,
    });
    expect((error as Error).message).toContain('no request sent');
    // Rejected while the other three are still waiting on the upstream.
    expect(calls.map((call) => call.settled)).toEqual([false, false, false]);

    upstream.openAll();
    await expect(Promise.all(calls.map((call) => call.promise))).resolves.toEqual([
      { path: '/entries/1' },
      { path: '/entries/2' },
      { path: '/entries/3' },
    ]);
    expect(ledger.calls.map((call) => call.path)).toEqual(['/entries/1', '/entries/2', '/entries/3']);
  });

  it('runs the queued call only after a slot frees', async () => {
    const upstream = slowUpstream();
    const ledgerClient = client({ bulkhead: { limit: 2, queue: 1 } });
    const calls = [1, 2, 3].map((id) => ledgerClient.get(`entries/${id}`));

    await vi.waitFor(() => {
      expect(upstream.held).toHaveLength(2);
    });
    // Give the queued call every chance to jump the limit: it must not.
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(upstream.log).toEqual(['arrive /entries/1', 'arrive /entries/2']);

    upstream.held[0]?.open();
    await expect(calls[0]).resolves.toEqual({ path: '/entries/1' });
    await vi.waitFor(() => {
      expect(upstream.held).toHaveLength(3);
    });
    expect(upstream.log).toEqual(['arrive /entries/1', 'arrive /entries/2', 'open /entries/1', 'arrive /entries/3']);

    upstream.openAll();
    await expect(Promise.all(calls)).resolves.toHaveLength(3);
  });

  it('rejects a queued call with UpstreamAbortedError as soon as its caller aborts, and never sends it', async () => {
    const upstream = slowUpstream();
    const ledgerClient = client({ bulkhead: { limit: 1, queue: 1 } });
    const running = ledgerClient.get('entries/1');
    await vi.waitFor(() => {
      expect(upstream.held).toHaveLength(1);
    });
    const controller = new AbortController();
    const queued = track(ledgerClient.get('entries/2', { signal: controller.signal }));

    controller.abort();
    // The slot is still taken: the queued call must not wait for it to learn it was cancelled.
    await vi.waitFor(() => {
      expect(queued.settled).toBe(true);
    });
    const error = await queued.promise.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UpstreamAbortedError);
    expect(error).toMatchObject({ code: 'UPSTREAM_ABORTED', statusCode: 499, attempts: 0, url: 'https://ledger.test/entries/2' });

    upstream.openAll();
    await expect(running).resolves.toEqual({ path: '/entries/1' });
    // The freed slot goes to the next caller; the cancelled call is never sent.
    await expect(ledgerClient.get('entries/3')).resolves.toEqual({ path: '/entries/3' });
    expect(ledger.calls.map((call) => call.path)).toEqual(['/entries/1', '/entries/3']);
  });

  it('keeps a cancelled queued call from stalling the calls queued behind it', async () => {
    const upstream = slowUpstream();
    const ledgerClient = client({ bulkhead: { limit: 1, queue: 2 } });
    const running = ledgerClient.get('entries/1');
    await vi.waitFor(() => {
      expect(upstream.held).toHaveLength(1);
    });
    const controller = new AbortController();
    const cancelled = ledgerClient.get('entries/2', { signal: controller.signal }).catch((caught: unknown) => caught);
    const behind = ledgerClient.get('entries/3');
    controller.abort();
    expect(await cancelled).toBeInstanceOf(UpstreamAbortedError);

    upstream.openAll();
    await expect(running).resolves.toEqual({ path: '/entries/1' });
    await expect(behind).resolves.toEqual({ path: '/entries/3' });
    expect(ledger.calls.map((call) => call.path)).toEqual(['/entries/1', '/entries/3']);
  });
});

/** Blocks the event loop for `ms`, as a long GC pause or a CPU-bound handler would. */
function stallEventLoop(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // busy: nothing else may run
  }
}

describe('bulkhead and the total timeout', () => {
  it('starts the total timeout when the bulkhead admits a call, not while it queues: 6 calls of 150 ms through limit 1 within 400 ms each all succeed', async () => {
    server.use(ledger.delay('get', 'slow/:id', 150, { json: { ok: true } }));
    const ledgerClient = client({ bulkhead: { limit: 1, queue: 10 }, timeout: { total: 400 } });
    const ids = [1, 2, 3, 4, 5, 6];
    const results = await Promise.allSettled(ids.map((id) => ledgerClient.get(`slow/${String(id)}`)));

    expect(results.map((result) => result.status)).toEqual(ids.map(() => 'fulfilled'));
    // One at a time, in queue order: the last one waited about 750 ms before it was admitted.
    expect(ledger.calls.map((call) => call.path)).toEqual(ids.map((id) => `/slow/${String(id)}`));
    expect(ledgerClient.circuitState).toBe('closed');
  });

  it('never counts a call whose deadline passed with nothing sent against the breaker (the event loop stalled before its retry went out)', async () => {
    server.use(ledger.sequence('get', 'entries/:id', [503, { json: { ok: true } }]));
    const stalls: string[] = [];
    // The retry line is written after the retry was decided and before its 1 ms backoff: stall there past the deadline.
    const logger = pino({ level: 'warn' }, {
      write(line: string) {
        if (!line.includes('"msg":"upstream_retry"')) return;
        stalls.push(line);
        stallEventLoop(400);
      },
    });
    const ledgerClient = client({
      logger,
      bulkhead: { limit: 1, queue: 1 },
      timeout: { total: 300 },
      circuitBreaker: { consecutiveFailures: 2, halfOpenAfter: 60_000 },
    });

    const error = await ledgerClient.get('entries/1').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UpstreamTimeoutError);
    expect(error).toMatchObject({ code: 'UPSTREAM_TIMEOUT', timeoutKind: 'total', attempts: 1 });
    expect(stalls).toHaveLength(1);
    expect(ledger.calls).toHaveLength(1);
    // One real failure (the 503) and one expired retry that sent nothing: below consecutiveFailures 2.
    expect(ledgerClient.circuitState).toBe('closed');

    await expect(ledgerClient.get('entries/2')).resolves.toEqual({ ok: true });
    expect(ledger.calls.map((call) => call.path)).toEqual(['/entries/1', '/entries/2']);
  });
});
