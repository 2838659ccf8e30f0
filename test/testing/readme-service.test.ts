import type { AddressInfo } from 'node:net';

import { http, passthrough } from 'msw';
import { setupServer } from 'msw/node';
import { mockUpstream } from 'resilient-http/testing';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';

import { createOrdersService } from '../../examples/service.js';

const billing = mockUpstream('https://billing.test/');
const server = setupServer(
  // The test calls the service under test on 127.0.0.1: let that through. Every other request
  // without a handler fails loudly. An initial handler like this one survives resetHandlers().
  http.all('http://127.0.0.1:*/*', () => passthrough()),
);
// The service under test (examples/service.ts here; your app in your suite), on a free port.
const orders = createOrdersService(billing.baseUrl, { logger: false, billing: { retry: { initialDelay: 1 } } });
let ordersUrl = '';
beforeAll(async () => {
  server.listen({ onUnhandledFrame: 'error' });
  await new Promise<void>((resolve) => orders.listen(0, '127.0.0.1', resolve));
  ordersUrl = `http://127.0.0.1:${(orders.address() as AddressInfo).port}`;
});
afterEach(() => { server.resetHandlers(); billing.reset(); });
afterAll(async () => {
  server.close();
  await new Promise((resolve) => orders.close(resolve));
});

it('answers an order with its invoice from billing', async () => {
  server.use(billing.always('get', 'invoices/:id', { json: { id: 'inv-1', total: 42, status: 'open' } }));
  const response = await fetch(`${ordersUrl}/orders/o-1`);
  expect(response.status).toBe(200);
  await expect(response.json()).resolves.toMatchObject({ invoice: { id: 'inv-1', total: 42 } });
  expect(billing.calls).toHaveLength(1);
});

it('fails loudly when billing is not mocked: msw refuses the call, nothing leaves the machine', async () => {
  const response = await fetch(`${ordersUrl}/orders/o-1`); // no billing handler in this test
  expect(response.status).toBe(502);
  await expect(response.json()).resolves.toMatchObject({ error: { code: 'UPSTREAM_NETWORK_ERROR' } });
  expect(billing.calls).toHaveLength(0);
});
