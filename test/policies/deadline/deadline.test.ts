import { createClient, UpstreamAbortedError, UpstreamTimeoutError } from 'resilient-http';
import type { ClientOptions } from 'resilient-http';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { capturePino } from '../../support/pino-capture.js';
import { useRealServer } from '../../support/real-server.js';
import type { RealHandler } from '../../support/real-server.js';
import { upstreamFailure } from '../../support/rejection.js';

const upstream = useRealServer();

afterEach(() => {
  vi.restoreAllMocks();
});

/** Answers after 2 s — far beyond every timeout below — unless the client goes away first. */
const slow: RealHandler = (_request, response) => {
  const timer = setTimeout(() => response.end('{"late":true}'), 2_000);
  response.on('close', () => {
    clearTimeout(timer);
  });
};

function client(options: ClientOptions = {}) {
  return createClient(upstream.url, { name: 'slow', logger: false, circuitBreaker: false, retry: { initialDelay: 1 }, ...options });
}

/** True for every request the server saw: its socket closed before it answered. */
async function everyRequestAborted(): Promise<boolean[]> {
  return Promise.all(upstream.requests.map((request) => request.closedEarly));
}

describe('timeouts', () => {
  it('aborts each attempt at timeout.attempt, closing its socket, and fails after maxAttempts', async () => {
    upstream.handle(slow);
    // 150 ms leaves each request time to reach the server on a loaded machine: it must see all three.
    const error = await upstreamFailure(client({ timeout: { attempt: 150 } }).get('report'));
    expect(error).toBeInstanceOf(UpstreamTimeoutError);
    expect(error).toMatchObject({ code: 'UPSTREAM_TIMEOUT', statusCode: 504, timeoutKind: 'attempt', timeoutMs: 150, attempts: 3 });
    expect(error.message).toContain('did not answer within 150 ms (attempt timeout)');
    expect(upstream.requests).toHaveLength(3);
    expect(await everyRequestAborted()).toEqual([true, true, true]);
  });

  it('counts a body that stalls after the headers against the attempt timeout', async () => {
    upstream.handle((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.write('{"partial":');
    });
    const error = await upstreamFailure(client({ timeout: { attempt: 50 }, retry: false }).get('report'));
    expect(error).toBeInstanceOf(UpstreamTimeoutError);
    expect(error).toMatchObject({ timeoutKind: 'attempt', attempts: 1 });
    expect(await everyRequestAborted()).toEqual([true]);
  });

  it('fails with timeoutKind total when a lone timeout.total, below the default attempt timeout, runs out', async () => {
    upstream.handle(slow);
    const error = await upstreamFailure(client({ timeout: { total: 120 } }).get('report'));
    expect(error).toBeInstanceOf(UpstreamTimeoutError);
    expect(error).toMatchObject({ timeoutKind: 'total', timeoutMs: 120, attempts: 1, retryable: true });
    expect(error.message).toContain('(total timeout)');
    expect(await everyRequestAborted()).toEqual([true]);
  });

  it('stops retrying at the total deadline: two attempts time out, the third is cut by the deadline', async () => {
    upstream.handle(slow);
    // Attempts end at ~400 ms and ~800 ms; the third starts with ~200 ms left, under the attempt timeout, so the
    // deadline (not the attempt timer) ends it. No backoff (initialDelay 0) keeps that 200 ms of slack intact, time
    // enough for the third request to reach the server on a loaded machine.
    const call = client({ timeout: { attempt: 400, total: 1000 }, retry: { initialDelay: 0, maxAttempts: 10 } }).get('report');
    const error = await upstreamFailure(call);
    expect(error).toBeInstanceOf(UpstreamTimeoutError);
    expect(error).toMatchObject({ timeoutKind: 'total', timeoutMs: 1000, attempts: 3 });
    expect(upstream.requests).toHaveLength(3);
    expect(error.durationMs).toBeLessThan(2_000);
    expect(await everyRequestAborted()).toEqual([true, true, true]);
  });
});

describe('caller cancellation', () => {
  it('rejects with UpstreamAbortedError at once when the caller aborts mid-request, without retrying', async () => {
    let arrived: () => void = () => undefined;
    const requestArrived = new Promise<void>((resolve) => (arrived = resolve));
    upstream.handle((request, response) => {
      slow(request, response);
      arrived();
    });
    const controller = new AbortController();
    const reason = new Error('the user went away');
    const call = client().get('report', { signal: controller.signal });
    await requestArrived;
    controller.abort(reason);
    const error = await upstreamFailure(call);
    expect(error).toBeInstanceOf(UpstreamAbortedError);
    expect(error).toMatchObject({ code: 'UPSTREAM_ABORTED', statusCode: 499, attempts: 1, retryable: false });
    expect(error.cause).toBe(reason);
    expect(await everyRequestAborted()).toEqual([true]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(upstream.requests).toHaveLength(1);
  });

  it('ends the call at once when the caller aborts during a long backoff', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.5);
    upstream.handle((_request, response) => {
      response.writeHead(503).end();
    });
    const { logger, named } = capturePino();
    const controller = new AbortController();
    const call = client({ logger, retry: { initialDelay: 10_000, maxDelay: 10_000 } }).get('report', { signal: controller.signal });
    await vi.waitFor(() => {
      expect(named('upstream_retry')).toHaveLength(1);
    });
    expect(named('upstream_retry')[0]).toMatchObject({ waitMs: 5_000, reason: 'status 503' });
    controller.abort();
    const error = await upstreamFailure(call);
    expect(error).toBeInstanceOf(UpstreamAbortedError);
    expect(error.attempts).toBe(1);
    expect(error.durationMs).toBeLessThan(5_000);
    expect(upstream.requests).toHaveLength(1);
  });

  it('sends nothing when the signal is already aborted', async () => {
    upstream.handle(slow);
    const error = await upstreamFailure(client().get('report', { signal: AbortSignal.abort() }));
    expect(error).toBeInstanceOf(UpstreamAbortedError);
    expect(error.attempts).toBe(0);
    expect(error.message).toContain('no request sent');
    expect(upstream.requests).toHaveLength(0);
    expect(upstream.connections).toBe(0);
  });
});
