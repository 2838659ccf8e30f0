import { setTimeout as wait } from 'node:timers/promises';

import { UpstreamError, UpstreamServerError, UpstreamTimeoutError, createClient } from 'resilient-http';
import type { ClientOptions } from 'resilient-http';
import { describe, expect, it, vi } from 'vitest';

import { capturePino } from '../support/pino-capture.js';
import { answerJson, answerLater, useRealServer } from '../support/real-server.js';

const upstream = useRealServer();

function client(options: ClientOptions = {}) {
  return createClient(upstream.url, { name: 'catalog', logger: false, hedging: { delay: 30 }, ...options });
}

/** The first request of each call hangs for 2 s; any later one (a hedge) answers at once. */
function firstHangs(): void {
  upstream.handle((_request, response, seen) => {
    if (seen === 1) answerLater(response, 2_000, { from: 'first' });
    else answerJson(response, { from: `hedge ${seen - 1}` });
  });
}

describe('hedged requests', () => {
  it('sends a hedge when the first attempt is slow, answers with the hedge and closes the loser', async () => {
    firstHangs();
    const logs = capturePino();
    await expect(client({ logger: logs.logger }).get('products/7')).resolves.toEqual({ from: 'hedge 1' });

    expect(upstream.requests).toHaveLength(2);
    const [first, hedge] = upstream.requests;
    expect(hedge?.headers['x-request-id']).toBe(first?.headers['x-request-id']);
    expect(hedge?.url).toBe('/products/7');
    // The loser's request was closed by the client before the server ever answered it.
    expect(await first?.closedEarly).toBe(true);
    expect(await hedge?.closedEarly).toBe(false);

    const hedges = logs.named('upstream_hedge');
    expect(hedges).toHaveLength(1);
    expect(hedges[0]).toMatchObject({
      service: 'catalog',
      method: 'GET',
      url: `${upstream.url}products/7`,
      requestId: first?.headers['x-request-id'],
      hedge: 1,
    });
    expect(hedges[0]?.afterMs).toBeGreaterThanOrEqual(25);
  });

  it('never hedges a POST, even a slow one', async () => {
    upstream.handle((_request, response) => {
      answerLater(response, 200, { created: true });
    });
    await expect(client().post('orders', { json: { sku: 'a' } })).resolves.toEqual({ created: true });
    expect(upstream.requests.map((request) => request.method)).toEqual(['POST']);
  });

  it('hedges a POST that carries an idempotency key, with the same key on both requests', async () => {
    firstHangs();
    await expect(client().post('orders', { json: { sku: 'a' }, idempotencyKey: 'order-7' })).resolves.toEqual({ from: 'hedge 1' });

    expect(upstream.requests).toHaveLength(2);
    expect(upstream.requests.map((request) => request.method)).toEqual(['POST', 'POST']);
    expect(upstream.requests.map((request) => request.headers['idempotency-key'])).toEqual(['order-7', 'order-7']);
    expect(await upstream.requests[0]?.closedEarly).toBe(true);
  });

  it('sends at most maxHedges + 1 requests per attempt', async () => {
    upstream.handle((_request, response) => {
      answerLater(response, 2_000, { late: true });
    });
    const error = await client({ hedging: { delay: 30, maxHedges: 2 }, retry: false, timeout: { attempt: 400 } })
      .get('products/7')
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(UpstreamTimeoutError);
    expect(error).toMatchObject({ code: 'UPSTREAM_TIMEOUT', attempts: 3, timeoutKind: 'attempt' });
    expect(upstream.requests).toHaveLength(3);
    expect(new Set(upstream.requests.map((request) => request.headers['x-request-id'])).size).toBe(1);
    expect(await Promise.all(upstream.requests.map((request) => request.closedEarly))).toEqual([true, true, true]);
  });

  it('sends no hedge when the first answer comes before the delay', async () => {
    upstream.handle((_request, response) => {
      answerJson(response, { fast: true });
    });
    const logs = capturePino();
    await expect(client({ logger: logs.logger, hedging: { delay: 200 } }).get('products/7')).resolves.toEqual({ fast: true });
    // Wait past the hedge delay: a timer left behind would send a hedge now.
    await wait(300);

    expect(upstream.requests).toHaveLength(1);
    expect(logs.named('upstream_hedge')).toEqual([]);
  });

  it('counts hedges against the retry budget and stops hedging once it is spent', async () => {
    // The first request of each call answers after 150 ms, a hedge at once.
    upstream.handle((_request, response, seen) => {
      if (seen === 1) answerLater(response, 150, { from: 'first' });
      else answerJson(response, { from: 'hedge' });
    });
    const logs = capturePino();
    // A floor of 0.1 retries/s over 10 s: one hedge in the window; 1 % of 3 calls adds nothing.
    const catalog = client({ logger: logs.logger, retry: { budget: { percent: 0.01, minRetriesPerSecond: 0.1 } } });

    const bodies = [];
    for (let i = 0; i < 3; i++) bodies.push(await catalog.get('products/7'));

    expect(bodies).toEqual([{ from: 'hedge' }, { from: 'first' }, { from: 'first' }]);
    expect(upstream.requests).toHaveLength(4);
    expect(logs.named('upstream_hedge')).toHaveLength(1);
    const refused = logs.named('upstream_retry_budget_exhausted');
    expect(refused).toHaveLength(2);
    expect(refused[0]).toMatchObject({ service: 'catalog', method: 'GET', refused: 'hedge', reason: 'slow attempt', attempt: 1 });
  });
});

describe('hedged requests through a custom fetch that answers oddly', () => {
  // Objects that are not Responses, as a hand-written fetch stub might return.
  const ODD_ANSWERS: [title: string, answer: unknown, errorClass: typeof UpstreamError][] = [
    ['a body-less { ok: false } 500', { ok: false, status: 500, statusText: 'Boom', headers: new Headers() }, UpstreamServerError],
    ['a 503 with neither body nor headers', { ok: false, status: 503, statusText: 'Down' }, UpstreamError],
  ];

  it.each(ODD_ANSWERS)('settles the call with an UpstreamError on %s, with no unhandled rejection', async (_title, answer, errorClass) => {
    const unhandled = vi.fn();
    process.on('unhandledRejection', unhandled);
    try {
      let fetched = 0;
      const oddFetch = (() => {
        fetched++;
        return Promise.resolve(answer);
      }) as unknown as typeof fetch;
      // The real server is never asked: the custom fetch answers instead.
      const oddClient = client({ fetch: oddFetch, hedging: { delay: 20 }, retry: false });
      const pending = Symbol('still pending');
      const outcome = await Promise.race([
        oddClient.get('products/7').catch((caught: unknown) => caught),
        wait(3_000, pending),
      ]);

      expect(outcome).not.toBe(pending);
      expect(outcome).toBeInstanceOf(errorClass);
      expect(outcome).toMatchObject({ service: 'catalog', method: 'GET', attempts: 1 });
      // Past the hedge delay: a stray hedge or a late rejection would show now.
      await wait(100);
      expect(unhandled).not.toHaveBeenCalled();
      expect(fetched).toBe(1);
      expect(upstream.requests).toHaveLength(0);
    } finally {
      process.off('unhandledRejection', unhandled);
    }
  });
});
