import { UpstreamNotFoundError, createClient } from 'resilient-http';
import { mockUpstream } from 'resilient-http/testing';
import { afterEach, describe, expect, it } from 'vitest';

import { server, useMsw } from '../../mocks/server.js';
import { LEVEL, capturePino } from '../support/pino-capture.js';
import { rejectionOf, upstreamFailure } from '../support/rejection.js';

useMsw();
const billing = mockUpstream('https://billing.test/');
afterEach(() => {
  billing.reset();
});

describe('expectedStatus', () => {
  it('still rejects with the typed error, but logs the failure at debug', async () => {
    const logs = capturePino('debug');
    server.use(billing.status('get', 'invoices/:id', 404));
    const client = createClient('https://billing.test/', { name: 'billing', logger: logs.logger });
    const error = await upstreamFailure(client.get('invoices/7', { expectedStatus: [404] }));
    expect(error).toBeInstanceOf(UpstreamNotFoundError);
    expect(logs.named('upstream_request_failed')).toEqual([
      expect.objectContaining({ level: LEVEL.debug, code: 'UPSTREAM_NOT_FOUND', status: 404, expected: true }),
    ]);
  });

  it('writes nothing at info for an expected status, and a warning for the same 404 not expected', async () => {
    const logs = capturePino('info');
    server.use(billing.status('get', 'invoices/:id', 404));
    const client = createClient('https://billing.test/', { name: 'billing', logger: logs.logger });
    await rejectionOf(client.get('invoices/7', { expectedStatus: [404, 410] }));
    expect(logs.lines).toEqual([]);
    await rejectionOf(client.get('invoices/7'));
    expect(logs.lines.map((line) => [line.msg, line.level])).toEqual([['upstream_request_failed', LEVEL.warn]]);
    expect(logs.lines[0]).not.toHaveProperty('expected');
  });

  it('keeps other failures of the same call at their level', async () => {
    const logs = capturePino('info');
    server.use(billing.status('get', 'invoices/:id', 500));
    const client = createClient('https://billing.test/', { name: 'billing', logger: logs.logger, retry: false });
    await rejectionOf(client.get('invoices/7', { expectedStatus: [404] }));
    expect(logs.lines.map((line) => [line.msg, line.level])).toEqual([['upstream_request_failed', LEVEL.error]]);
  });

  it.each([
    ['a number', 404, 'options.expectedStatus must be an array of HTTP statuses (integers 100–599), got 404'],
    ['a string entry', ['404'], 'options.expectedStatus[0] must be an integer HTTP status from 100 to 599, got "404"'],
    ['a fraction', [404.5], 'options.expectedStatus[0] must be an integer HTTP status from 100 to 599, got 404.5'],
    ['a status out of range', [404, 600], 'options.expectedStatus[1] must be an integer HTTP status from 100 to 599, got 600'],
  ])('refuses %s with a TypeError naming it, sending nothing', async (_what, expectedStatus, message) => {
    const client = createClient('https://billing.test/', { logger: false });
    const error = await rejectionOf(client.get('invoices/7', { expectedStatus: expectedStatus as never }));
    expect(error).toBeInstanceOf(TypeError);
    expect((error as TypeError).message).toBe(message);
    expect(billing.calls).toHaveLength(0);
  });
});
