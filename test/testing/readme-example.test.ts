import { setupServer } from 'msw/node';
import { createClient, UpstreamUnavailableError } from 'resilient-http';
import type { Client } from 'resilient-http';
import { mockUpstream } from 'resilient-http/testing';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';

const server = setupServer();
const billing = mockUpstream('https://billing.test/');
beforeAll(() => { server.listen({ onUnhandledFrame: 'error' }); });
afterEach(() => { server.resetHandlers(); billing.reset(); });
afterAll(() => { server.close(); });

// A fresh client per test: its circuit breaker starts closed every time.
let client: Client;
beforeEach(() => { client = createClient('https://billing.test/', { name: 'billing', logger: false, retry: { initialDelay: 1 } }); });

it('retries two 503s, then returns the invoice', async () => {
  server.use(billing.sequence('get', 'invoices/:id', [503, 503, { json: { id: '7', total: 42 } }]));
  await expect(client.get('invoices/{id}', { params: { id: '7' } })).resolves.toEqual({ id: '7', total: 42 });
  const calls = billing.callsTo('get', 'invoices/:id');
  expect(calls).toHaveLength(3);
  expect(new Set(calls.map((call) => call.headers['x-request-id'])).size).toBe(1); // one request ID on every attempt
});

it('gives up after 3 attempts with a typed error when billing stays down', async () => {
  server.use(billing.status('get', 'invoices/:id', 503));
  const error = await client.get('invoices/7').catch((e: unknown) => e);
  expect(error).toBeInstanceOf(UpstreamUnavailableError);
  expect(error).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', statusCode: 503, attempts: 3 });
  expect(billing.calls).toHaveLength(3);
});

it('times out when billing never answers', async () => {
  server.use(billing.delay('get', 'invoices/:id', 'infinite'));
  await expect(client.get('invoices/7', { timeout: { attempt: 250 }, retry: false }))
    .rejects.toMatchObject({ code: 'UPSTREAM_TIMEOUT', statusCode: 504 });
  expect(billing.calls).toHaveLength(1);
});
