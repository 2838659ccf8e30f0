import { subscribe, unsubscribe } from 'node:diagnostics_channel';

import {
  CHANNELS,
  UpstreamInvalidResponseError,
  UpstreamNetworkError,
  UpstreamNotFoundError,
  UpstreamRateLimitedError,
  UpstreamServerError,
  UpstreamTimeoutError,
  UpstreamUnavailableError,
  UpstreamValidationError,
  createClient,
} from 'resilient-http';
import type { ClientOptions, RetryEvent } from 'resilient-http';
import { mockUpstream } from 'resilient-http/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { server, useMsw } from '../../mocks/server.js';
import { countingFetch, untilReal } from '../support/real-time.js';

useMsw();
const billing = mockUpstream('https://billing.test/api/');
afterEach(() => {
  billing.reset();
  vi.useRealTimers();
});

const clientFor = (options: ClientOptions = {}) =>
  createClient(billing.baseUrl, { name: 'billing', logger: false, retry: { initialDelay: 1 }, ...options });

/** Resolves to the rejection of `promise`, failing the test if it resolves. */
async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    (value: unknown) => {
      throw new Error(`expected a rejection, got ${JSON.stringify(value)}`);
    },
    (error: unknown) => error,
  );
}

describe('sequence', () => {
  it('answers 503, 503, then 200 JSON on one route while another route keeps its own script', async () => {
    server.use(
      billing.sequence('get', 'invoices/:id', [503, 503, { json: { id: '7', total: 42 } }]),
      billing.sequence('get', 'customers/:id', [{ json: { id: 'c1' } }, 500]),
    );
    const client = clientFor();

    await expect(client.get('invoices/{id}', { params: { id: '7' } })).resolves.toEqual({ id: '7', total: 42 });
    await expect(client.get('customers/c1')).resolves.toEqual({ id: 'c1' });

    expect(billing.callsTo('get', 'invoices/:id')).toHaveLength(3);
    expect(billing.callsTo('get', 'customers/:id')).toHaveLength(1);
  });

  it('keeps giving the last answer once the script is used up', async () => {
    server.use(billing.sequence('get', 'invoices/:id', [{ json: { n: 1 } }, { json: { n: 2 } }]));
    const client = clientFor();
    const bodies = [await client.get('invoices/1'), await client.get('invoices/1'), await client.get('invoices/1')];
    expect(bodies).toEqual([{ n: 1 }, { n: 2 }, { n: 2 }]);
    expect(billing.calls).toHaveLength(3);
  });
});

describe('always and status', () => {
  it('fails every attempt with the same status until the client gives up', async () => {
    server.use(billing.status('get', 'invoices/:id', 500));
    const error = await rejectionOf(clientFor().get('invoices/7'));
    expect(error).toBeInstanceOf(UpstreamServerError);
    expect(error).toMatchObject({ code: 'UPSTREAM_SERVER_ERROR', upstreamStatus: 500, attempts: 3, service: 'billing' });
    expect(billing.calls).toHaveLength(3);
  });

  it('answers a 404 that the client does not retry', async () => {
    server.use(billing.always('get', 'invoices/:id', { status: 404, json: { message: 'no such invoice' } }));
    const error = await rejectionOf(clientFor().get('invoices/404'));
    expect(error).toBeInstanceOf(UpstreamNotFoundError);
    expect(error).toMatchObject({ code: 'UPSTREAM_NOT_FOUND', upstreamStatus: 404, attempts: 1 });
    expect(billing.calls).toHaveLength(1);
  });
});

describe('networkError', () => {
  it('makes every attempt fail at the network level', async () => {
    server.use(billing.networkError('get', 'invoices/:id'));
    const error = await rejectionOf(clientFor().get('invoices/7'));
    expect(error).toBeInstanceOf(UpstreamNetworkError);
    expect(error).toMatchObject({ code: 'UPSTREAM_NETWORK_ERROR', attempts: 3, retryable: true });
    expect(billing.calls).toHaveLength(3);
  });
});

describe('delay', () => {
  it('answers after a short delay that fits in the attempt timeout', async () => {
    server.use(billing.delay('get', 'invoices/:id', 5, { json: { id: '7' } }));
    await expect(clientFor({ timeout: { attempt: 2_000 } }).get('invoices/7')).resolves.toEqual({ id: '7' });
    expect(billing.calls).toHaveLength(1);
  });

  it('times the attempt out when the delay is longer than the attempt timeout', async () => {
    server.use(billing.delay('get', 'invoices/:id', 2_000));
    const error = await rejectionOf(clientFor({ timeout: { attempt: 30 }, retry: false }).get('invoices/7'));
    expect(error).toBeInstanceOf(UpstreamTimeoutError);
    expect(error).toMatchObject({ code: 'UPSTREAM_TIMEOUT', timeoutKind: 'attempt', timeoutMs: 30, attempts: 1 });
    expect(billing.calls).toHaveLength(1);
  });

  it("never answers with 'infinite', so every attempt times out", async () => {
    server.use(billing.delay('get', 'invoices/:id', 'infinite'));
    const error = await rejectionOf(clientFor({ timeout: { attempt: 30 } }).get('invoices/7'));
    expect(error).toBeInstanceOf(UpstreamTimeoutError);
    expect(error).toMatchObject({ code: 'UPSTREAM_TIMEOUT', statusCode: 504, timeoutKind: 'attempt', attempts: 3 });
    expect(billing.calls).toHaveLength(3);
  });

  it('delays a network error as well as a status', async () => {
    server.use(billing.delay('get', 'invoices/:id', 5, 'network-error'));
    const error = await rejectionOf(clientFor({ retry: false }).get('invoices/7'));
    expect(error).toBeInstanceOf(UpstreamNetworkError);
    expect(billing.calls).toHaveLength(1);
  });
});

describe('retryAfter', () => {
  /** Collects retry events from the diagnostics channel while `fn` runs. */
  async function withRetryEvents<T>(fn: (events: RetryEvent[]) => Promise<T>): Promise<T> {
    const events: RetryEvent[] = [];
    const onRetry = (message: unknown): void => {
      events.push(message as RetryEvent);
    };
    subscribe(CHANNELS.retry, onRetry);
    try {
      return await fn(events);
    } finally {
      unsubscribe(CHANNELS.retry, onRetry);
    }
  }

  it('makes the client wait exactly the Retry-After seconds before the second attempt', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    server.use(billing.retryAfter('get', 'quota', { status: 429, after: 2, then: { json: { left: 10 } } }));
    await withRetryEvents(async (events) => {
      const sends = countingFetch();
      const call = clientFor({ fetch: sends.fetch }).get('quota');
      await untilReal(() => events.length === 1, 'the retry wait');
      expect(events[0]).toMatchObject({ waitMs: 2_000, fromRetryAfter: true, reason: 'status 429' });
      await vi.advanceTimersByTimeAsync(1_999);
      // Counted when sent: under msw 3 an early retry would take real time to reach billing.calls.
      expect(sends.sent()).toBe(1);
      expect(billing.calls).toHaveLength(1);
      await vi.advanceTimersByTimeAsync(1);
      expect(sends.sent()).toBe(2);
      await expect(call).resolves.toEqual({ left: 10 });
      expect(billing.calls).toHaveLength(2);
    });
  });

  it('sends Retry-After as an HTTP date that the client turns into a wait', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    vi.setSystemTime(new Date('2030-01-01T00:00:00.000Z'));
    server.use(billing.retryAfter('get', 'quota', { status: 503, after: new Date('2030-01-01T00:00:03.000Z') }));
    await withRetryEvents(async (events) => {
      const call = clientFor().get('quota');
      await untilReal(() => events.length === 1, 'the retry wait');
      expect(billing.calls[0]?.time).toBe(Date.parse('2030-01-01T00:00:00.000Z'));
      expect(events[0]).toMatchObject({ waitMs: 3_000, fromRetryAfter: true, reason: 'status 503' });
      await vi.advanceTimersByTimeAsync(3_000);
      await expect(call).resolves.toEqual({ status: 200 });
      expect(billing.calls.map((c) => c.time - (billing.calls[0]?.time ?? 0))).toEqual([0, 3_000]);
    });
  });

  it('fails at once with the wait on the error when Retry-After is longer than maxRetryAfter', async () => {
    server.use(billing.retryAfter('get', 'quota', { after: 120 }));
    const error = await rejectionOf(clientFor().get('quota'));
    expect(error).toBeInstanceOf(UpstreamRateLimitedError);
    expect(error).toMatchObject({ code: 'UPSTREAM_RATE_LIMITED', statusCode: 503, retryAfterMs: 120_000, attempts: 1 });
    expect(billing.calls).toHaveLength(1);
  });
});

describe('malformedJson', () => {
  it('answers 200 with a body that claims JSON and is not', async () => {
    server.use(billing.malformedJson('get', 'invoices/:id'));
    const error = await rejectionOf(clientFor().get('invoices/7'));
    expect(error).toBeInstanceOf(UpstreamInvalidResponseError);
    expect(error).toMatchObject({ code: 'UPSTREAM_INVALID_RESPONSE', upstreamStatus: 200, attempts: 1 });
    expect((error as UpstreamInvalidResponseError).responseBody).toContain('{"truncated": ');
    expect(billing.calls).toHaveLength(1);
  });
});

describe('problem', () => {
  it('answers problem+json that the error carries as parsed details', async () => {
    server.use(billing.problem('post', 'payments', {
      status: 422,
      type: 'https://billing.test/problems/card-declined',
      title: 'Card declined',
      detail: 'Insufficient funds',
      balance: 3,
    }));
    const error = await rejectionOf(clientFor().post('payments', { json: { amount: 42 } }));
    expect(error).toBeInstanceOf(UpstreamValidationError);
    expect(error).toMatchObject({
      code: 'UPSTREAM_VALIDATION_FAILED',
      upstreamStatus: 422,
      problem: { title: 'Card declined', detail: 'Insufficient funds', type: 'https://billing.test/problems/card-declined' },
    });
    expect(billing.callsTo('post', 'payments')).toHaveLength(1);
  });
});

describe('failFirst', () => {
  it('fails the first two calls, so a 3-attempt client succeeds on the third', async () => {
    server.use(billing.failFirst('get', 'invoices/:id', 2, 503, { json: { id: '7' } }));
    await expect(clientFor().get('invoices/7')).resolves.toEqual({ id: '7' });
    expect(billing.calls).toHaveLength(3);
  });

  it('fails the first three calls, one more than a 3-attempt client can absorb', async () => {
    server.use(billing.failFirst('get', 'invoices/:id', 3, 503, { json: { id: '7' } }));
    const client = clientFor();
    const error = await rejectionOf(client.get('invoices/7'));
    expect(error).toBeInstanceOf(UpstreamUnavailableError);
    expect(error).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', attempts: 3 });
    await expect(client.get('invoices/7')).resolves.toEqual({ id: '7' });
    expect(billing.calls).toHaveLength(4);
  });

  it('fails with any answer, here network errors', async () => {
    server.use(billing.failFirst('get', 'invoices/:id', 1, 'network-error'));
    await expect(clientFor().get('invoices/7')).resolves.toEqual({ status: 200 });
    expect(billing.calls).toHaveLength(2);
  });
});
