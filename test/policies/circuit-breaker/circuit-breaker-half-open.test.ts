import { setTimeout as wait } from 'node:timers/promises';

import { createClient, UpstreamAbortedError, UpstreamServerError, UpstreamTimeoutError } from 'resilient-http';
import type { Client } from 'resilient-http';
import { describe, expect, it, vi } from 'vitest';

import { answerJson, answerLater, useRealServer } from '../../support/real-server.js';

describe('circuit breaker: calls held behind a half-open probe', () => {
  // The probe is a real answer that takes 0.6 s; the held calls give up after 50 ms or 200 ms.
  const PROBE_MS = 600;
  const upstream = useRealServer((request, response) => {
    if (request.url === '/fail') {
      response.writeHead(500, { 'content-type': 'text/plain' });
      response.end('down');
    } else if (request.url === '/probe') {
      answerLater(response, PROBE_MS, { probe: true });
    } else {
      answerJson(response, { path: request.url });
    }
  });

  /** Opens a breaker on one 500, then starts a probe that the server holds for 0.6 s. */
  async function halfOpenWithSlowProbe(): Promise<{ breaker: Client; probe: Promise<unknown>; order: string[] }> {
    const breaker = createClient(upstream.url, {
      name: 'inventory',
      logger: false,
      retry: false,
      circuitBreaker: { consecutiveFailures: 1, halfOpenAfter: 50 },
    });
    await expect(breaker.get('fail')).rejects.toBeInstanceOf(UpstreamServerError);
    expect(breaker.circuitState).toBe('open');
    await wait(150);
    const order: string[] = [];
    const probe = breaker.get('probe').finally(() => order.push('probe settled'));
    await vi.waitFor(() => {
      expect(upstream.requests).toHaveLength(2);
    });
    expect(breaker.circuitState).toBe('half-open');
    return { breaker, probe, order };
  }

  function urls(): string[] {
    return upstream.requests.map((request) => request.url);
  }

  it('answers the abort of a held call at once with UpstreamAbortedError, while the probe is still pending', async () => {
    const { breaker, probe, order } = await halfOpenWithSlowProbe();
    const controller = new AbortController();
    setTimeout(() => {
      controller.abort();
    }, 50);
    const error = await breaker.get('held', { signal: controller.signal }).catch((caught: unknown) => caught);
    order.push('held settled');

    expect(error).toBeInstanceOf(UpstreamAbortedError);
    expect(error).toMatchObject({ code: 'UPSTREAM_ABORTED', attempts: 0 });
    expect(breaker.circuitState).toBe('half-open');
    await expect(probe).resolves.toEqual({ probe: true });
    expect(order).toEqual(['held settled', 'probe settled']);
    expect(breaker.circuitState).toBe('closed');
    // Released by the probe's success, the call that gave up sends nothing.
    await wait(100);
    expect(urls()).toEqual(['/fail', '/probe']);
  });

  it('answers the total timeout of a held call at once with UpstreamTimeoutError (total), while the probe is still pending', async () => {
    const { breaker, probe, order } = await halfOpenWithSlowProbe();
    const error = await breaker.get('held', { timeout: { total: 200 } }).catch((caught: unknown) => caught);
    order.push('held settled');

    expect(error).toBeInstanceOf(UpstreamTimeoutError);
    expect(error).toMatchObject({ code: 'UPSTREAM_TIMEOUT', timeoutKind: 'total', timeoutMs: 200, attempts: 0 });
    expect(breaker.circuitState).toBe('half-open');
    await expect(probe).resolves.toEqual({ probe: true });
    expect(order).toEqual(['held settled', 'probe settled']);
    await wait(100);
    expect(urls()).toEqual(['/fail', '/probe']);
  });

  it('sends only the held call that kept waiting once the probe succeeds; the ones that gave up send nothing', async () => {
    const { breaker, probe, order } = await halfOpenWithSlowProbe();
    const controller = new AbortController();
    const aborted = breaker.get('aborted', { signal: controller.signal }).catch((caught: unknown) => caught);
    const expired = breaker.get('expired', { timeout: { total: 200 } }).catch((caught: unknown) => caught);
    const patient = breaker.get('patient').finally(() => order.push('patient settled'));
    setTimeout(() => {
      controller.abort();
    }, 50);

    expect(await aborted).toBeInstanceOf(UpstreamAbortedError);
    expect(await expired).toBeInstanceOf(UpstreamTimeoutError);
    expect(order).toEqual([]);
    await expect(patient).resolves.toEqual({ path: '/patient' });
    await expect(probe).resolves.toEqual({ probe: true });
    expect(order).toEqual(['probe settled', 'patient settled']);
    await wait(100);
    expect(urls()).toEqual(['/fail', '/probe', '/patient']);
    expect(breaker.circuitState).toBe('closed');
  });
});
