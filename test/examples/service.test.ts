import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { mockUpstream } from 'resilient-http/testing';
import { afterEach, describe, expect, it } from 'vitest';

import { createOrdersService } from '../../examples/service.js';
import type { OrdersServiceOptions } from '../../examples/service.js';
import { server, useMsw } from '../../mocks/server.js';
import { capturePino } from '../support/pino-capture.js';

useMsw();
const billing = mockUpstream('https://billing.test/');
const running: Server[] = [];
afterEach(async () => {
  billing.reset();
  await Promise.all(running.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

const fast: OrdersServiceOptions = { logger: false, billing: { retry: { initialDelay: 1 } } };

/** Starts a fresh orders service (fresh breaker) on 127.0.0.1 and returns its base URL. */
async function startOrders(options: OrdersServiceOptions = fast): Promise<string> {
  const orders = createOrdersService(billing.baseUrl, options);
  running.push(orders);
  await new Promise<void>((resolve) => orders.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(orders.address() as AddressInfo).port}`;
}

/** The JSON bodies the orders service answers with: data, or `{ error }`. */
interface Body extends Record<string, unknown> {
  error: { code: string; message: string; requestId?: string };
}

/** Calls the orders service; resolves to status, headers and parsed JSON body. */
async function call(url: string, init: RequestInit = {}): Promise<{ status: number; headers: Headers; body: Body }> {
  const response = await fetch(url, init);
  return { status: response.status, headers: response.headers, body: (await response.json()) as Body };
}

describe('orders service (examples/service.ts)', () => {
  it('answers an order with its invoice, and billing sees the inbound request ID', async () => {
    server.use(billing.always('get', 'invoices/:id', { json: { id: 'inv-1', total: 42, status: 'open' } }));
    const base = await startOrders();
    const { status, headers, body } = await call(`${base}/orders/o-1`, { headers: { 'x-request-id': 'orders-test-1' } });

    expect(status).toBe(200);
    expect(body).toEqual({ order: { id: 'o-1', customer: 'ada', invoiceId: 'inv-1' }, invoice: { id: 'inv-1', total: 42, status: 'open' } });
    expect(headers.get('x-request-id')).toBe('orders-test-1');
    expect(billing.callsTo('get', 'invoices/:id').map((c) => [c.path, c.headers['x-request-id']])).toEqual([['/invoices/inv-1', 'orders-test-1']]);
  });

  it("answers a 404 NOT_FOUND of its own when billing has no such invoice, without billing's body", async () => {
    server.use(billing.always('get', 'invoices/:id', { status: 404, json: { message: 'invoice table shard 7 has no row' } }));
    const base = await startOrders();
    const { status, body } = await call(`${base}/orders/o-2`, { headers: { 'x-request-id': 'orders-test-2' } });

    expect(status).toBe(404);
    expect(body).toEqual({ error: { code: 'NOT_FOUND', message: "Invoice with id 'inv-2' not found", requestId: 'orders-test-2' } });
    expect(JSON.stringify(body)).not.toContain('shard');
    expect(billing.calls).toHaveLength(1);
  });

  it('answers 404 for an unknown order without calling billing', async () => {
    const base = await startOrders();
    const { status, body } = await call(`${base}/orders/o-404`);
    expect(status).toBe(404);
    expect(body.error).toMatchObject({ code: 'NOT_FOUND', message: "Order with id 'o-404' not found" });
    expect(billing.calls).toEqual([]);
  });

  it('rides out two billing 503s and still answers 200', async () => {
    server.use(billing.sequence('get', 'invoices/:id', [503, 503, { json: { id: 'inv-1', total: 42, status: 'open' } }]));
    const base = await startOrders();
    const { status } = await call(`${base}/orders/o-1`);
    expect(status).toBe(200);
    expect(billing.calls).toHaveLength(3);
    expect(new Set(billing.calls.map((c) => c.headers['x-request-id'])).size).toBe(1);
  });

  it("answers 503 UPSTREAM_UNAVAILABLE when billing stays down, without billing's URL", async () => {
    server.use(billing.status('get', 'invoices/:id', 503));
    const base = await startOrders();
    const { status, body } = await call(`${base}/orders/o-1`, { headers: { 'x-request-id': 'orders-test-5' } });

    expect(status).toBe(503);
    expect(body.error).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', requestId: 'orders-test-5' });
    expect(body.error.message).toContain('billing');
    expect(JSON.stringify(body)).not.toContain('billing.test');
    expect(billing.calls).toHaveLength(3);
  });

  it('answers 504 UPSTREAM_TIMEOUT when billing never answers', async () => {
    server.use(billing.delay('get', 'invoices/:id', 'infinite'));
    // Room for msw 3's round trip (undici over a mock socket) to reach billing before each attempt times out.
    const base = await startOrders({ logger: false, billing: { retry: { initialDelay: 1 }, timeout: { attempt: 250 } } });
    const { status, body } = await call(`${base}/orders/o-1`);
    expect(status).toBe(504);
    expect(body.error.code).toBe('UPSTREAM_TIMEOUT');
    expect(billing.calls).toHaveLength(3);
  });

  it('stops calling billing when its own caller hangs up: no retry follows', async () => {
    server.use(billing.delay('get', 'invoices/:id', 'infinite'));
    // Without the cancellation, two more attempts would follow within 250 ms each.
    const base = await startOrders({ logger: false, billing: { retry: { initialDelay: 1 }, timeout: { attempt: 250 } } });
    const caller = new AbortController();
    const inbound = fetch(`${base}/orders/o-1`, { signal: caller.signal }).catch((error: unknown) => error);
    for (let waited = 0; billing.calls.length === 0 && waited < 5_000; waited += 5) await new Promise((resolve) => setTimeout(resolve, 5));
    caller.abort();
    expect(await inbound).toBeInstanceOf(Error);
    // A retry would follow within a few ms of a closed attempt (initialDelay 1), or once its 250 ms timeout ended it.
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(billing.calls).toHaveLength(1);
  });

  it("answers 504 within the caller's x-request-timeout-ms and tells billing the time left", async () => {
    server.use(billing.delay('get', 'invoices/:id', 'infinite'));
    const base = await startOrders();
    const started = performance.now();
    const { status, body } = await call(`${base}/orders/o-1`, { headers: { 'x-request-timeout-ms': '300' } });
    expect(status).toBe(504);
    expect(body.error.code).toBe('UPSTREAM_TIMEOUT');
    expect(performance.now() - started).toBeLessThan(1_900); // billing's own attempt timeout is 2 000 ms
    expect(billing.calls).toHaveLength(1); // a deadline is not retried
    const sent = Number(billing.calls[0]!.headers['x-request-timeout-ms']);
    expect(Number.isInteger(sent)).toBe(true);
    expect(sent).toBeGreaterThan(0);
    expect(sent).toBeLessThanOrEqual(300);
  });

  it("pays with the caller's idempotency key on every attempt", async () => {
    server.use(billing.failFirst('post', 'invoices/:id/payments', 1, 503, { status: 201, json: { id: 'pay-1', invoiceId: 'inv-1', amount: 10 } }));
    const base = await startOrders();
    const { status, body } = await call(`${base}/orders/o-1/payments`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': 'pay-o-1-first' },
      body: JSON.stringify({ amount: 10 }),
    });

    expect(status).toBe(201);
    expect(body).toEqual({ id: 'pay-1', invoiceId: 'inv-1', amount: 10 });
    const calls = billing.callsTo('post', 'invoices/:id/payments');
    expect(calls.map((c) => c.headers['idempotency-key'])).toEqual(['pay-o-1-first', 'pay-o-1-first']);
    expect(calls.map((c): unknown => JSON.parse(c.body ?? 'null'))).toEqual([{ amount: 10 }, { amount: 10 }]);
  });

  it('refuses a payment without a positive amount with 422 and calls nobody', async () => {
    const base = await startOrders();
    const { status, body } = await call(`${base}/orders/o-1/payments`, { method: 'POST', body: JSON.stringify({ amount: -3 }) });
    expect(status).toBe(422);
    expect(body.error).toMatchObject({ code: 'VALIDATION_ERROR', message: "Validation failed for 'amount': must be a positive number" });
    expect(billing.calls).toEqual([]);
  });

  it('logs the billing failure and the answer with the inbound request ID', async () => {
    server.use(billing.status('get', 'invoices/:id', 503));
    const logs = capturePino('info');
    const base = await startOrders({ logger: logs.logger, billing: { retry: { initialDelay: 1 } } });
    await call(`${base}/orders/o-1`, { headers: { 'x-request-id': 'orders-test-9' } });

    expect(logs.named('upstream_retry')).toHaveLength(2);
    expect(logs.named('upstream_request_failed')).toEqual([expect.objectContaining({ code: 'UPSTREAM_UNAVAILABLE', service: 'billing' })]);
    // One failure, one detailed line: errorHandler's summary of an UpstreamError is at debug, below this logger's level.
    expect(logs.named('request_failed')).toEqual([]);
    expect(logs.lines.length).toBeGreaterThanOrEqual(3);
    expect(logs.lines.every((line) => line.requestId === 'orders-test-9')).toBe(true);
  });
});
