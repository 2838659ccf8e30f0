import { createClient, UpstreamUnavailableError } from 'resilient-http';
import { mockUpstream } from 'resilient-http/testing';
import { afterEach, describe, expect, it } from 'vitest';

import { server, useMsw } from '../mocks/server.js';

useMsw();
const billing = mockUpstream('https://billing.test/api/');
afterEach(() => {
  billing.reset();
});

describe('retry', () => {
  it('retries a 503 twice, then succeeds', async () => {
    server.use(billing.sequence('get', 'invoices/:id', [503, 503, { json: { id: '7' } }]));
    const client = createClient('https://billing.test/api', { logger: false, retry: { initialDelay: 1 } });
    await expect(client.get('invoices/{id}', { params: { id: '7' } })).resolves.toEqual({ id: '7' });
    expect(billing.callsTo('get', 'invoices/:id')).toHaveLength(3);
    expect(new Set(billing.calls.map((c) => c.headers['x-request-id'])).size).toBe(1);
  });

  it('gives up after maxAttempts with UpstreamUnavailableError', async () => {
    server.use(billing.status('get', 'x', 503));
    const client = createClient('https://billing.test/api', { logger: false, retry: { initialDelay: 1 } });
    const error = await client.get('x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamUnavailableError);
    expect(billing.calls).toHaveLength(3);
  });
});
