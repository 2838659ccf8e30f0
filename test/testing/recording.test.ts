import { createClient, withRequestContext } from 'resilient-http';
import { mockUpstream } from 'resilient-http/testing';
import { afterEach, describe, expect, it } from 'vitest';

import { server, useMsw } from '../../mocks/server.js';

useMsw();
const billing = mockUpstream('https://billing.test/api/');
const shipping = mockUpstream('https://shipping.test/api/');
afterEach(() => {
  billing.reset();
  shipping.reset();
});

const quiet = { logger: false, retry: { initialDelay: 1 } } as const;

describe('recording', () => {
  it('records three attempts of a POST with the same request ID, idempotency key and JSON body', async () => {
    server.use(billing.failFirst('post', 'payments', 2, 503, { status: 201, json: { id: 'p1' } }));
    const client = createClient(billing.baseUrl, quiet);

    const created = await withRequestContext({ requestId: 'req-rec-1' }, () =>
      client.post('payments', { json: { invoice: '7', amount: 42 }, idempotencyKey: true }),
    );

    expect(created).toEqual({ id: 'p1' });
    const calls = billing.callsTo('post', 'payments');
    expect(calls).toHaveLength(3);
    expect(calls.map((c) => c.method)).toEqual(['POST', 'POST', 'POST']);
    expect(calls.map((c) => c.headers['x-request-id'])).toEqual(['req-rec-1', 'req-rec-1', 'req-rec-1']);
    const keys = new Set(calls.map((c) => c.headers['idempotency-key']));
    expect(keys.size).toBe(1);
    expect([...keys][0]).toMatch(/^\S{8,}$/);
    for (const call of calls) {
      expect(call.url).toBe('https://billing.test/api/payments');
      expect(call.path).toBe('/api/payments');
      expect(call.headers['content-type']).toMatch(/^application\/json/);
      expect(JSON.parse(call.body ?? 'null')).toEqual({ invoice: '7', amount: 42 });
      expect(call.json).toEqual({ invoice: '7', amount: 42 });
    }
    const times = calls.map((c) => c.time);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
  });

  it('records a GET with no body, its query string in the URL but not in the path', async () => {
    server.use(billing.always('get', 'invoices', { json: [] }));
    await createClient(billing.baseUrl, quiet).get('invoices', { searchParams: { page: 2 } });
    expect(billing.calls).toEqual([
      expect.objectContaining({ method: 'GET', url: 'https://billing.test/api/invoices?page=2', path: '/api/invoices', body: undefined, json: undefined }),
    ]);
  });
});

describe('json', () => {
  it('parses a JSON body, +json types included, and keeps the exact text in body', async () => {
    server.use(billing.always('all', 'events', 202));
    const client = createClient(billing.baseUrl, quiet);
    await client.post('events', { json: { nested: { list: [1, 'two', null] } } });
    await client.put('events', { body: '{"op":"replace"}', headers: { 'content-type': 'application/merge-patch+json' } });
    expect(billing.calls.map((c) => c.json)).toEqual([{ nested: { list: [1, 'two', null] } }, { op: 'replace' }]);
    expect(billing.calls[1]?.body).toBe('{"op":"replace"}');
  });

  it('leaves json undefined for a body that is not JSON or does not parse', async () => {
    server.use(billing.always('all', 'events', 202));
    const client = createClient(billing.baseUrl, quiet);
    await client.post('events', { body: '{"a":1}', headers: { 'content-type': 'text/plain' } });
    await client.post('events', { body: '{"truncated": ', headers: { 'content-type': 'application/json' } });
    expect(billing.calls.map((c) => [c.body, c.json])).toEqual([['{"a":1}', undefined], ['{"truncated": ', undefined]]);
  });
});

describe('callsTo', () => {
  it('matches :param segments, one segment each, and filters by method', async () => {
    server.use(
      billing.always('all', 'invoices/:id', { json: {} }),
      billing.always('get', 'invoices/:id/lines', { json: [] }),
      billing.always('get', 'customers/:id', { json: {} }),
    );
    const client = createClient(billing.baseUrl, quiet);
    await client.get('invoices/1');
    await client.get('invoices/2');
    await client.put('invoices/2', { json: { paid: true } });
    await client.get('invoices/2/lines');
    await client.get('customers/1');

    expect(billing.callsTo('get', 'invoices/:id').map((c) => c.path)).toEqual(['/api/invoices/1', '/api/invoices/2']);
    expect(billing.callsTo('put', 'invoices/:id').map((c) => c.path)).toEqual(['/api/invoices/2']);
    expect(billing.callsTo('all', 'invoices/:id')).toHaveLength(3);
    expect(billing.callsTo('get', 'invoices/:id/lines')).toHaveLength(1);
    expect(billing.callsTo('get', 'invoices/2')).toHaveLength(1);
    expect(billing.callsTo('delete', 'invoices/:id')).toEqual([]);
    expect(billing.calls).toHaveLength(5);
  });
});

describe('reset', () => {
  it('forgets recorded calls, and calls made afterwards are recorded from scratch', async () => {
    server.use(billing.status('get', 'health', 204));
    const client = createClient(billing.baseUrl, quiet);
    await client.get('health');
    await client.get('health');
    expect(billing.calls).toHaveLength(2);

    billing.reset();
    expect(billing.calls).toEqual([]);

    await client.get('health');
    expect(billing.calls).toHaveLength(1);
  });

  describe('between tests (reset in afterEach)', () => {
    it('records the calls of the first test', async () => {
      server.use(billing.status('get', 'health', 204));
      await createClient(billing.baseUrl, quiet).get('health');
      expect(billing.calls).toHaveLength(1);
    });

    it('starts the next test with no calls recorded', () => {
      expect(billing.calls).toEqual([]);
    });
  });
});

describe('two upstreams', () => {
  it('keep their own calls when both answer the same path', async () => {
    server.use(billing.always('get', 'status', { json: { who: 'billing' } }), shipping.always('get', 'status', { json: { who: 'shipping' } }));
    const billingClient = createClient(billing.baseUrl, quiet);
    const shippingClient = createClient(shipping.baseUrl, quiet);

    await expect(billingClient.get('status')).resolves.toEqual({ who: 'billing' });
    await expect(shippingClient.get('status')).resolves.toEqual({ who: 'shipping' });
    await expect(shippingClient.get('status')).resolves.toEqual({ who: 'shipping' });

    expect(billing.calls.map((c) => c.url)).toEqual(['https://billing.test/api/status']);
    expect(shipping.calls.map((c) => c.url)).toEqual(['https://shipping.test/api/status', 'https://shipping.test/api/status']);
  });

  it('keep their own calls on one host under different base paths', async () => {
    const v1 = mockUpstream('https://gateway.test/v1');
    const v2 = mockUpstream('https://gateway.test/v2/');
    server.use(v1.status('get', 'orders/:id', 204), v2.status('get', 'orders/:id', 204));
    await createClient('https://gateway.test/v2/', quiet).get('orders/1');

    expect(v1.calls).toEqual([]);
    expect(v1.callsTo('get', 'orders/:id')).toEqual([]);
    expect(v2.callsTo('get', 'orders/:id').map((c) => c.path)).toEqual(['/v2/orders/1']);
  });
});
