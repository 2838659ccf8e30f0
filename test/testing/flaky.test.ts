import { createClient, isUpstreamError } from 'resilient-http';
import { mockUpstream, seededRandom } from 'resilient-http/testing';
import type { FlakyOptions } from 'resilient-http/testing';
import { afterEach, describe, expect, it } from 'vitest';

import { server, useMsw } from '../../mocks/server.js';

useMsw();
const billing = mockUpstream('https://billing.test/');
afterEach(() => {
  billing.reset();
});

/**
 * Sends `count` single-attempt calls through a fresh flaky route, `concurrency`
 * at a time; returns the indexes of the calls that failed.
 */
async function failingIndexes(options: FlakyOptions, count: number, concurrency = 1): Promise<number[]> {
  server.resetHandlers();
  billing.reset();
  server.use(billing.flaky('get', 'invoices/:id', options));
  // One attempt per call and no breaker: each call is one draw of the upstream's dice.
  const client = createClient(billing.baseUrl, { logger: false, retry: false, circuitBreaker: false });
  const failed: number[] = [];
  for (let start = 0; start < count; start += concurrency) {
    const batch = Array.from({ length: Math.min(concurrency, count - start) }, (_, i) => start + i);
    const results = await Promise.allSettled(batch.map((index) => client.get(`invoices/${index}`)));
    results.forEach((result, i) => {
      if (result.status === 'rejected') {
        if (!isUpstreamError(result.reason)) throw result.reason;
        failed.push(batch[i]!);
      }
    });
  }
  expect(billing.calls).toHaveLength(count);
  return failed;
}

describe('flaky', () => {
  it('fails the same call indexes for the same seed', async () => {
    const first = await failingIndexes({ rate: 0.3, seed: 7 }, 60);
    const second = await failingIndexes({ rate: 0.3, seed: 7 }, 60);
    const otherSeed = await failingIndexes({ rate: 0.3, seed: 8 }, 60);

    const random = seededRandom(7);
    const predicted = Array.from({ length: 60 }, (_, i) => i).filter(() => random() < 0.3);
    expect(first.length).toBeGreaterThan(0);
    expect(first).toEqual(predicted);
    expect(second).toEqual(first);
    expect(otherSeed).not.toEqual(first);
  });

  it('roughly honours its rate over 1 000 calls', async () => {
    const failed = await failingIndexes({ rate: 0.25, seed: 1234 }, 1_000, 50);
    expect(failed.length).toBeGreaterThanOrEqual(200);
    expect(failed.length).toBeLessThanOrEqual(300);
  });

  it('never fails at rate 0 and always fails at rate 1', async () => {
    expect(await failingIndexes({ rate: 0, seed: 1 }, 20)).toEqual([]);
    expect(await failingIndexes({ rate: 1, seed: 1 }, 20)).toHaveLength(20);
  });

  it('answers the failure and success it is given', async () => {
    server.use(billing.flaky('get', 'invoices/:id', { rate: 0.5, seed: 3, failure: 'network-error', success: { json: { ok: true } } }));
    const client = createClient(billing.baseUrl, { logger: false, retry: false, circuitBreaker: false });
    const results = await Promise.allSettled(Array.from({ length: 20 }, () => client.get('invoices/1')));
    const codes = new Set(results.map((r) => (r.status === 'fulfilled' ? JSON.stringify(r.value) : (r.reason as { code: string }).code)));
    expect(codes).toEqual(new Set(['{"ok":true}', 'UPSTREAM_NETWORK_ERROR']));
  });

  it('rejects a rate outside 0..1', () => {
    expect(() => billing.flaky('get', 'x', { rate: 1.5, seed: 1 })).toThrow(TypeError);
  });
});
