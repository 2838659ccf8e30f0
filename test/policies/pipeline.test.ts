// Internals: a defect inside the pipeline cannot be provoked through the public API; the retry budget is made to throw here.
import { createClient, UpstreamError } from 'resilient-http';
import { mockUpstream } from 'resilient-http/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { server, useMsw } from '../../mocks/server.js';
import { RetryBudget } from '../../src/policies/retry/budget.js';
import { rejectionOf } from '../support/rejection.js';

useMsw();
const billing = mockUpstream('https://billing.test/');
afterEach(() => {
  billing.reset();
  vi.restoreAllMocks();
});

describe('a defect inside the pipeline', () => {
  it('still reaches the caller as an UpstreamError naming the service, never as the raw error', async () => {
    vi.spyOn(RetryBudget.prototype, 'tryAcquireRetry').mockImplementation(() => {
      throw new TypeError('budget exploded');
    });
    server.use(billing.sequence('get', 'invoices', [503, 200]));
    const client = createClient('https://billing.test/', { name: 'billing', logger: false, retry: { initialDelay: 1 } });

    const error = await rejectionOf(client.get('invoices'));

    expect(error).toBeInstanceOf(UpstreamError);
    expect(error).toMatchObject({ code: 'UPSTREAM_ERROR', service: 'billing', method: 'GET' });
    expect((error as UpstreamError).message).toContain('call failed unexpectedly: budget exploded');
    expect((error as UpstreamError).cause).toBeInstanceOf(TypeError);
    expect(billing.calls).toHaveLength(1);
  });

  it('a logger that throws never turns a success into a failure', async () => {
    server.use(billing.always('get', 'invoices', { json: { ok: true } }));
    const broken = {
      child: () => broken,
      isLevelEnabled: () => {
        throw new Error('logger down');
      },
    };
    const client = createClient('https://billing.test/', { logger: broken as never });
    await expect(client.get('invoices')).resolves.toEqual({ ok: true });
    expect(billing.calls).toHaveLength(1);
  });
});
