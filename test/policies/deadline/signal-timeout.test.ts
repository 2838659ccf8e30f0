import { UpstreamAbortedError, UpstreamTimeoutError, createClient, toErrorResponse, withRequestContext } from 'resilient-http';
import type { ClientOptions } from 'resilient-http';
import { mockUpstream } from 'resilient-http/testing';
import { afterEach, describe, expect, it } from 'vitest';

import { server, useMsw } from '../../../mocks/server.js';
import { LEVEL, capturePino } from '../../support/pino-capture.js';
import { upstreamFailure } from '../../support/rejection.js';

// AbortSignal.timeout(ms) aborts with a DOMException named TimeoutError: the caller's time limit, not a hang-up.
useMsw();
const billing = mockUpstream('https://billing.test/');
afterEach(() => {
  billing.reset();
});

function client(options: ClientOptions = {}) {
  return createClient('https://billing.test/', {
    name: 'billing',
    logger: false,
    retry: { initialDelay: 1 },
    circuitBreaker: { consecutiveFailures: 1, halfOpenAfter: 60_000 },
    ...options,
  });
}

describe('a caller\'s signal that times out', () => {
  it('rejects an attempt in flight with UpstreamTimeoutError (timeoutKind signal, 504), not retried, the breaker untouched', async () => {
    server.use(billing.delay('get', 'invoices/:id', 'infinite'));
    const logs = capturePino('info');
    const billingClient = client({ logger: logs.logger });
    const error = await upstreamFailure(billingClient.get('invoices/7', { signal: AbortSignal.timeout(100) }));

    if (!(error instanceof UpstreamTimeoutError)) throw new Error(`expected a timeout, got ${error.name}`);
    expect(error).toMatchObject({ code: 'UPSTREAM_TIMEOUT', statusCode: 504, timeoutKind: 'signal', attempts: 1, retryable: false });
    const timeout = error;
    expect(Number.isInteger(timeout.timeoutMs)).toBe(true);
    expect(timeout.timeoutMs).toBeGreaterThanOrEqual(50);
    expect(timeout.message).toMatch(/^Upstream "billing" did not answer before the caller's signal timed out, after \d+ ms \(1 attempt in \d+ ms\)/);
    expect((timeout.cause as Error).name).toBe('TimeoutError');
    expect(billing.calls).toHaveLength(1); // a GET, 3 attempts allowed: still one request
    expect(billingClient.circuitState).toBe('closed'); // the caller's limit says nothing about the upstream's health
    expect(toErrorResponse(error)).toMatchObject({ status: 504, body: { error: { code: 'UPSTREAM_TIMEOUT' } } });
    expect(logs.named('upstream_request_failed')).toMatchObject([{ level: LEVEL.error, code: 'UPSTREAM_TIMEOUT' }]);
  });

  it('ends a backoff wait at once with the same timeout', async () => {
    server.use(billing.retryAfter('get', 'invoices/:id', { status: 503, after: 5 }));
    const started = performance.now();
    const error = await upstreamFailure(client({ circuitBreaker: false }).get('invoices/7', { signal: AbortSignal.timeout(100) }));
    expect(error).toMatchObject({ code: 'UPSTREAM_TIMEOUT', timeoutKind: 'signal', attempts: 1 });
    expect(performance.now() - started).toBeLessThan(4_000); // not the 5 s Retry-After
    expect(billing.calls).toHaveLength(1);
  });

  it('sends nothing when the signal had already timed out, and sees it through AbortSignal.any', async () => {
    server.use(billing.always('get', 'invoices/:id', { json: {} }));
    const timedOut = AbortSignal.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError'));
    expect(await upstreamFailure(client().get('invoices/1', { signal: timedOut }))).toMatchObject({
      code: 'UPSTREAM_TIMEOUT',
      timeoutKind: 'signal',
      attempts: 0,
    });
    const combined = AbortSignal.any([new AbortController().signal, timedOut]);
    expect(await upstreamFailure(client().get('invoices/2', { signal: combined }))).toMatchObject({ timeoutKind: 'signal', attempts: 0 });
    expect(billing.calls).toHaveLength(0);
  });

  it('treats the request context\'s signal the same way', async () => {
    server.use(billing.delay('get', 'invoices/:id', 'infinite'));
    const error = await withRequestContext({ requestId: 'req-ctx', signal: AbortSignal.timeout(100) }, () =>
      upstreamFailure(client().get('invoices/7')),
    );
    expect(error).toBeInstanceOf(UpstreamTimeoutError);
    expect(error).toMatchObject({ timeoutKind: 'signal', statusCode: 504, requestId: 'req-ctx', attempts: 1 });
    expect(billing.calls).toHaveLength(1);
  });

  it.each([
    ['no reason (an AbortError)', undefined],
    ['an Error of its own', new Error('user navigated away')],
    ['a string', 'shutdown'],
  ])('keeps any other abort reason a cancellation: %s → UpstreamAbortedError (499)', async (_title, reason) => {
    server.use(billing.delay('get', 'invoices/:id', 'infinite'));
    const controller = new AbortController();
    const call = upstreamFailure(client().get('invoices/7', { signal: controller.signal }));
    await expect.poll(() => billing.calls.length).toBe(1);
    controller.abort(reason);
    const error = await call;
    expect(error).toBeInstanceOf(UpstreamAbortedError);
    expect(error).toMatchObject({ code: 'UPSTREAM_ABORTED', statusCode: 499 });
    expect(billing.calls).toHaveLength(1);
  });
});
