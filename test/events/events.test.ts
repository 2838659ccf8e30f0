import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { setTimeout as wait } from 'node:timers/promises';

import { pino } from 'pino';
import { CHANNELS, UpstreamCircuitOpenError, UpstreamUnavailableError, createClient } from 'resilient-http';
import type { ClientEventMap, ClientEventName, ClientOptions } from 'resilient-http';
import { mockUpstream } from 'resilient-http/testing';
import { afterEach, describe, expect, it } from 'vitest';

import { server, useMsw } from '../../mocks/server.js';
import { countUpstreamEvents } from '../support/fleet-metrics-example.js';

useMsw();
const orders = mockUpstream('https://orders.test/');
const teardown: (() => void)[] = [];
afterEach(() => {
  orders.reset();
  for (const undo of teardown.splice(0)) undo();
});

interface Seen {
  name: ClientEventName;
  event: ClientEventMap[ClientEventName];
}

/** Subscribes to the channels of `names` for this test; events land in the returned array, in order. */
function listen(...names: ClientEventName[]): Seen[] {
  const seen: Seen[] = [];
  for (const name of names) {
    const handler = (message: unknown): void => {
      seen.push({ name, event: message as ClientEventMap[ClientEventName] });
    };
    subscribe(CHANNELS[name], handler);
    teardown.push(() => unsubscribe(CHANNELS[name], handler));
  }
  return seen;
}

function client(options: ClientOptions = {}) {
  return createClient('https://orders.test/', { name: 'orders', logger: false, retry: { initialDelay: 1 }, ...options });
}

const base = (requestId: string) => ({ service: 'orders', method: 'GET', requestId });

describe('diagnostics_channel events', () => {
  it('publishes request:start and request:end with status, attempts and duration, the URL redacted', async () => {
    server.use(orders.always('get', 'orders/:id', { json: { id: '7' } }));
    const seen = listen('request:start', 'request:end');
    await client().get('orders/{id}', { params: { id: '7' }, searchParams: { token: 'hunter2', page: '2' }, requestId: 'req-1' });

    expect(seen.map((s) => s.name)).toEqual(['request:start', 'request:end']);
    const [start, end] = seen.map((s) => s.event);
    expect(start).toMatchObject(base('req-1'));
    expect(start?.url).toContain('https://orders.test/orders/7?');
    expect(start?.url).toContain('page=2');
    expect(start?.url).not.toContain('hunter2');
    expect(end).toMatchObject({ ...base('req-1'), url: start?.url, status: 200, attempts: 1, error: undefined });
    expect((end as ClientEventMap['request:end']).durationMs).toBeGreaterThanOrEqual(0);
    expect(orders.calls[0]?.headers['x-request-id']).toBe('req-1');
  });

  it('publishes a retry per retried attempt and a request:end carrying the error', async () => {
    server.use(orders.status('get', 'orders', 503));
    const seen = listen('retry', 'request:end');
    const error = await client().get('orders', { requestId: 'req-2' }).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(UpstreamUnavailableError);
    expect(seen.map((s) => s.name)).toEqual(['retry', 'retry', 'request:end']);
    expect(seen[0]?.event).toMatchObject({ ...base('req-2'), url: 'https://orders.test/orders', attempt: 1, reason: 'status 503', fromRetryAfter: false });
    expect(seen[1]?.event).toMatchObject({ attempt: 2, reason: 'status 503' });
    for (const retry of seen.slice(0, 2)) {
      expect((retry.event as ClientEventMap['retry']).waitMs).toBeGreaterThanOrEqual(0);
    }
    expect(seen[2]?.event).toMatchObject({ ...base('req-2'), status: 503, attempts: 3, error });
    expect(orders.calls).toHaveLength(3);
  });

  it('publishes circuit open, half-open and closed, each with the request that saw it', async () => {
    server.use(orders.sequence('get', 'orders', [503, 503, { json: [] }]));
    const seen = listen('circuit');
    const orderClient = client({ retry: false, circuitBreaker: { consecutiveFailures: 2, halfOpenAfter: 30 } });

    await orderClient.get('orders', { requestId: 'call-1' }).catch(() => undefined);
    expect(seen).toEqual([]);
    await orderClient.get('orders', { requestId: 'call-2' }).catch(() => undefined);
    expect(seen.map((s) => s.event)).toEqual([{ ...base('call-2'), url: 'https://orders.test/orders', state: 'open' }]);
    await expect(orderClient.get('orders', { requestId: 'call-3' })).rejects.toBeInstanceOf(UpstreamCircuitOpenError);

    await wait(60);
    await expect(orderClient.get('orders', { requestId: 'call-4' })).resolves.toEqual([]);
    expect(seen.slice(1).map((s) => s.event)).toEqual([
      { ...base('call-4'), url: 'https://orders.test/orders', state: 'half-open' },
      { ...base('call-4'), url: 'https://orders.test/orders', state: 'closed' },
    ]);
    expect(orders.calls).toHaveLength(3);
  });

  it('publishes budget-exhausted when the retry budget refuses a retry', async () => {
    server.use(orders.status('get', 'orders', 503));
    const seen = listen('budget-exhausted', 'retry');
    const error = await client({ circuitBreaker: false, retry: { initialDelay: 1, budget: { percent: 0.01, minRetriesPerSecond: 0 } } })
      .get('orders', { requestId: 'req-3' })
      .catch((caught: unknown) => caught);

    expect(error).toMatchObject({ budgetExhausted: true, attempts: 1 });
    expect(seen).toEqual([
      { name: 'budget-exhausted', event: { ...base('req-3'), url: 'https://orders.test/orders', attempt: 1, refused: 'retry', reason: 'status 503' } },
    ]);
    expect(orders.calls).toHaveLength(1);
  });

  it('publishes hedge when a slow attempt is hedged', async () => {
    server.use(orders.sequence('get', 'orders', [{ delay: 1_000, json: { from: 'first' } }, { json: { from: 'hedge' } }]));
    const seen = listen('hedge');
    await expect(client({ hedging: { delay: 20 } }).get('orders', { requestId: 'req-4' })).resolves.toEqual({ from: 'hedge' });

    expect(seen).toHaveLength(1);
    expect(seen[0]?.event).toMatchObject({ ...base('req-4'), url: 'https://orders.test/orders', hedge: 1 });
    expect((seen[0]?.event as ClientEventMap['hedge']).afterMs).toBeGreaterThanOrEqual(15);
    expect(orders.calls.map((call) => call.headers['x-request-id'])).toEqual(['req-4', 'req-4']);
  });

  it('never lets a throwing channel subscriber break a call: node reports the throw as an uncaught exception', async () => {
    server.use(orders.always('get', 'orders', { json: { ok: true } }));
    const thrower = (): void => {
      throw new Error('subscriber bug');
    };
    subscribe(CHANNELS['request:start'], thrower);
    subscribe(CHANNELS['request:end'], thrower);
    teardown.push(() => unsubscribe(CHANNELS['request:start'], thrower));
    teardown.push(() => unsubscribe(CHANNELS['request:end'], thrower));
    const later = listen('request:end');
    // diagnostics_channel catches a subscriber's throw and rethrows it on the next tick as an uncaught exception;
    // catch it here instead of vitest's handler, which would fail the run.
    const reported: unknown[] = [];
    const previous = process.listeners('uncaughtException');
    process.removeAllListeners('uncaughtException');
    const collect = (error: unknown): void => {
      reported.push(error);
    };
    process.on('uncaughtException', collect);
    try {
      await expect(client().get('orders')).resolves.toEqual({ ok: true });
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('uncaughtException', collect);
      for (const listener of previous) process.on('uncaughtException', listener);
    }

    // The subscriber after the thrower still got the event.
    expect(later).toHaveLength(1);
    expect(reported.map((error) => (error as Error).message)).toEqual(['subscriber bug', 'subscriber bug']);
  });

  it('never lets a throwing logger break a call', async () => {
    server.use(orders.status('get', 'orders', 404));
    const broken = pino({ level: 'debug' }, { write: () => { throw new Error('disk full'); } });
    const error = await client({ logger: broken }).get('orders').catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'UPSTREAM_NOT_FOUND', upstreamStatus: 404 });
    server.use(orders.always('get', 'orders', { json: [] }));
    await expect(client({ logger: broken }).get('orders')).resolves.toEqual([]);
  });

  it('feeds the README metrics example: counters per service from the channels', async () => {
    server.use(orders.sequence('get', 'orders', [503, { json: [] }]), orders.status('get', 'missing', 404));
    const metrics = countUpstreamEvents();
    teardown.push(metrics.stop);
    const orderClient = client();
    await orderClient.get('orders');
    await orderClient.get('missing').catch(() => undefined);

    expect(metrics.byService.get('orders')).toEqual({
      calls: 2,
      requestsSent: 3,
      failures: { UPSTREAM_NOT_FOUND: 1 },
      retries: 1,
      hedges: 0,
      budgetRefusals: 0,
      circuitOpened: 0,
    });
  });
});
