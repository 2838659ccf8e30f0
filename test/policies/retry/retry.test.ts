import {
  createClient,
  UpstreamInvalidResponseError,
  UpstreamNetworkError,
  UpstreamNotFoundError,
  UpstreamRateLimitedError,
  UpstreamServerError,
  UpstreamUnavailableError,
  UpstreamValidationError,
} from 'resilient-http';
import type { ClientOptions } from 'resilient-http';
import { mockUpstream } from 'resilient-http/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { server, useMsw } from '../../../mocks/server.js';
import { capturePino } from '../../support/pino-capture.js';
import { refusedPort } from '../../support/real-server.js';
import { upstreamFailure } from '../../support/rejection.js';
import { countingFetch, untilReal } from '../../support/real-time.js';

useMsw();
const billing = mockUpstream('https://billing.test/api/');
afterEach(() => {
  billing.reset();
  vi.useRealTimers();
});

/** A client with tiny delays and no breaker, so only the retry rules are under test. */
function client(options: ClientOptions = {}) {
  return createClient(billing.baseUrl, { name: 'billing', logger: false, circuitBreaker: false, ...options, retry: options.retry ?? { initialDelay: 1 } });
}


describe('what is retried', () => {
  it('retries a 503 twice, then succeeds', async () => {
    server.use(billing.sequence('get', 'invoices/7', [503, 503, { json: { id: '7' } }]));
    await expect(client().get('invoices/7')).resolves.toEqual({ id: '7' });
    expect(billing.calls).toHaveLength(3);
  });

  it('does not retry a 404 and rejects with UpstreamNotFoundError', async () => {
    server.use(billing.status('get', 'invoices/8', 404));
    const error = await upstreamFailure(client().get('invoices/8'));
    expect(error).toBeInstanceOf(UpstreamNotFoundError);
    expect(error).toMatchObject({ code: 'UPSTREAM_NOT_FOUND', upstreamStatus: 404, attempts: 1, retryable: false, service: 'billing' });
    expect(billing.calls).toHaveLength(1);
  });

  it.each([1, 2, 5])('sends exactly maxAttempts (%i) requests to an upstream that always fails', async (maxAttempts) => {
    server.use(billing.status('get', 'x', 503));
    const error = await upstreamFailure(client({ retry: { initialDelay: 1, maxAttempts } }).get('x'));
    expect(error).toBeInstanceOf(UpstreamUnavailableError);
    expect(error.attempts).toBe(maxAttempts);
    expect(billing.calls).toHaveLength(maxAttempts);
  });

  it('does not retry a POST that got a 503', async () => {
    server.use(billing.status('post', 'invoices', 503));
    const error = await upstreamFailure(client().post('invoices', { json: { amount: 5 } }));
    expect(error).toBeInstanceOf(UpstreamUnavailableError);
    expect(error.attempts).toBe(1);
    expect(billing.calls).toHaveLength(1);
  });

  it('retries a POST with idempotencyKey: true, sending the same idempotency-key on every attempt', async () => {
    server.use(billing.sequence('post', 'invoices', [503, 502, { status: 201, json: { id: '9' } }]));
    await expect(client().post('invoices', { json: { amount: 5 }, idempotencyKey: true })).resolves.toEqual({ id: '9' });
    const keys = billing.calls.map((call) => call.headers['idempotency-key']);
    expect(keys).toHaveLength(3);
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(new Set(keys).size).toBe(1);
    expect(billing.calls.map((call) => call.body)).toEqual(Array(3).fill('{"amount":5}'));
  });

  it('sends a caller-chosen idempotency key unchanged on every attempt', async () => {
    server.use(billing.sequence('patch', 'invoices/1', [500, { json: {} }]));
    await client().patch('invoices/1', { json: {}, idempotencyKey: 'order-42' });
    expect(billing.calls.map((call) => call.headers['idempotency-key'])).toEqual(['order-42', 'order-42']);
  });

  it('retries a POST whose connection was refused, since nothing was sent', async () => {
    const port = await refusedPort();
    const { logger, named } = capturePino();
    const refused = createClient(`http://127.0.0.1:${port}/`, { logger, circuitBreaker: false, retry: { initialDelay: 1 } });
    const error = await upstreamFailure(refused.post('orders', { json: { n: 1 } }));
    expect(error).toBeInstanceOf(UpstreamNetworkError);
    expect(error.systemCode).toBe('ECONNREFUSED');
    expect(error.attempts).toBe(3);
    expect(named('upstream_retry').map((line) => line.reason)).toEqual(['ECONNREFUSED', 'ECONNREFUSED']);
  });

  it('retries network errors and gives up with UpstreamNetworkError after 3 attempts', async () => {
    server.use(billing.networkError('get', 'x'));
    const error = await upstreamFailure(client().get('x'));
    expect(error).toBeInstanceOf(UpstreamNetworkError);
    expect(error).toMatchObject({ code: 'UPSTREAM_NETWORK_ERROR', attempts: 3, retryable: true });
    expect(billing.calls).toHaveLength(3);
  });

  it('does not retry a body that claims JSON and is not', async () => {
    server.use(billing.malformedJson('get', 'x'));
    const error = await upstreamFailure(client().get('x'));
    expect(error).toBeInstanceOf(UpstreamInvalidResponseError);
    expect(error).toMatchObject({ code: 'UPSTREAM_INVALID_RESPONSE', upstreamStatus: 200, attempts: 1 });
    expect(billing.calls).toHaveLength(1);
  });

  it('parses problem+json into error.problem and puts its title in the message', async () => {
    server.use(billing.problem('post', 'invoices', { status: 422, title: 'Invalid invoice', detail: 'amount must be positive', field: 'amount' }));
    const error = await upstreamFailure(client().post('invoices', { json: { amount: -1 } }));
    expect(error).toBeInstanceOf(UpstreamValidationError);
    expect(error.problem).toEqual({ status: 422, title: 'Invalid invoice', detail: 'amount must be positive', field: 'amount' });
    expect(error.message).toContain('Invalid invoice');
    expect(error.message).toContain('amount must be positive');
    expect(billing.calls).toHaveLength(1);
  });

  it('makes a single attempt with retry: false, on the client or on the call', async () => {
    server.use(billing.status('get', 'x', 503));
    await expect(client({ retry: false }).get('x')).rejects.toBeInstanceOf(UpstreamUnavailableError);
    expect(billing.calls).toHaveLength(1);
    await expect(client().get('x', { retry: false })).rejects.toBeInstanceOf(UpstreamUnavailableError);
    expect(billing.calls).toHaveLength(2);
  });

  it('never retries a stream body, even for an idempotent method', async () => {
    server.use(billing.status('put', 'files/1', 503));
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('chunk'));
        controller.close();
      },
    });
    const error = await upstreamFailure(client().put('files/1', { body, idempotencyKey: 'k1' }));
    expect(error).toBeInstanceOf(UpstreamUnavailableError);
    expect(error.attempts).toBe(1);
    expect(billing.calls).toHaveLength(1);
    expect(billing.calls[0]?.body).toBe('chunk');
  });
});

describe('request IDs', () => {
  it('sends the same x-request-id on every attempt', async () => {
    server.use(billing.sequence('get', 'x', [500, 'network-error', { json: 1 }]));
    await client().get('x');
    const ids = billing.calls.map((call) => call.headers['x-request-id']);
    expect(ids).toHaveLength(3);
    expect(new Set(ids).size).toBe(1);
  });

  it('sends the caller requestId on every attempt and puts it on the error', async () => {
    server.use(billing.status('get', 'x', 502));
    const error = await upstreamFailure(client().get('x', { requestId: 'req-123' }));
    expect(error).toBeInstanceOf(UpstreamServerError);
    expect(error.requestId).toBe('req-123');
    expect(billing.calls.map((call) => call.headers['x-request-id'])).toEqual(['req-123', 'req-123', 'req-123']);
  });
});

describe('Retry-After', () => {
  const fakeClock = (): void => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    vi.setSystemTime(new Date('2030-01-01T00:00:00Z'));
  };

  it('regression (issue 12): fails at once, with a finite retryAfterMs, when a 503 asks for a 400-digit Retry-After', async () => {
    server.use(billing.always('get', 'x', { status: 503, headers: { 'retry-after': '9'.repeat(400) } }));
    const error = await upstreamFailure(client().get('x'));
    expect(billing.calls).toHaveLength(1);
    expect(error.retryAfterMs).toBe(2_147_483_647);
    expect(error.message).not.toMatch(/Infinity|e\+/);
  });

  it.each([
    { title: 'the seconds a 429 asks for', status: 429 as const, after: (): number | Date => 2, waitMs: 2_000 },
    { title: 'until the HTTP date a 503 names', status: 503 as const, after: (): number | Date => new Date(Date.now() + 3_000), waitMs: 3_000 },
  ])('waits $title, instead of the backoff', async ({ status, after, waitMs }) => {
    fakeClock();
    const { logger, named } = capturePino();
    server.use(billing.retryAfter('get', 'x', { status, after: after(), then: { json: { ok: true } } }));
    const sends = countingFetch();
    const call = client({ logger, fetch: sends.fetch, retry: { initialDelay: 1 } }).get('x');
    // The clock stands still until the answer is back and the client has scheduled its wait (see test/support/real-time.ts).
    await untilReal(() => named('upstream_retry').length === 1, 'the retry wait');
    await vi.advanceTimersByTimeAsync(waitMs - 1);
    expect(sends.sent()).toBe(1);
    expect(billing.calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(sends.sent()).toBe(2);
    await expect(call).resolves.toEqual({ ok: true });
    expect(billing.calls).toHaveLength(2);
    expect(named('upstream_retry')).toMatchObject([{ waitMs, fromRetryAfter: true, reason: `status ${String(status)}`, attempt: 1 }]);
  });

  it('fails at once with UpstreamRateLimitedError when Retry-After exceeds maxRetryAfter', async () => {
    const { logger, named } = capturePino();
    server.use(billing.retryAfter('get', 'x', { status: 429, after: 60 }));
    const error = await upstreamFailure(client({ logger, retry: { initialDelay: 1, maxRetryAfter: 30_000 } }).get('x'));
    expect(error).toBeInstanceOf(UpstreamRateLimitedError);
    expect(error).toMatchObject({ code: 'UPSTREAM_RATE_LIMITED', retryAfterMs: 60_000, attempts: 1, upstreamStatus: 429 });
    expect(billing.calls).toHaveLength(1);
    expect(named('upstream_retry')).toHaveLength(0);
  });

  it('fails at once when Retry-After would pass the total timeout', async () => {
    const { logger, named } = capturePino();
    server.use(billing.retryAfter('get', 'x', { status: 429, after: 5 }));
    const error = await upstreamFailure(client({ logger, timeout: { total: 3_000 } }).get('x'));
    expect(error).toBeInstanceOf(UpstreamRateLimitedError);
    expect(error).toMatchObject({ retryAfterMs: 5_000, attempts: 1 });
    expect(error.durationMs).toBeLessThan(3_000);
    expect(billing.calls).toHaveLength(1);
    expect(named('upstream_retry')).toHaveLength(0);
  });
});
