import { afterAll, beforeEach, describe, expect, it } from 'vitest';

import { startFrontService, startRecordingUpstream } from '../support/front-service.js';
import { capturePino, duplicateKeys } from '../support/pino-capture.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const logs = capturePino();
const upstream = await startRecordingUpstream();
// Breaker and budget off: 50 concurrent first attempts all fail on purpose, and this file is about IDs.
const front = await startFrontService(upstream.url, {
  logger: logs.logger,
  client: { retry: { initialDelay: 1, budget: false }, circuitBreaker: false },
});
afterAll(async () => {
  await front.close();
  await upstream.close();
});
beforeEach(() => {
  upstream.calls.length = 0;
});

interface FrontAnswer {
  status: number;
  echoed: string | null;
  body: Record<string, unknown>;
}

async function callFront(path: string, requestId?: string): Promise<FrontAnswer> {
  const response = await fetch(new URL(path, front.url), { headers: requestId === undefined ? {} : { 'x-request-id': requestId } });
  return { status: response.status, echoed: response.headers.get('x-request-id'), body: (await response.json()) as Record<string, unknown> };
}

describe('request-ID propagation through a real front service to a real upstream', () => {
  it('carries the inbound ID to the upstream on both attempts and echoes it to the caller', async () => {
    const answer = await callFront('orders/1', 'req-front-1');
    expect(answer.status).toBe(200);
    expect(answer.echoed).toBe('req-front-1');
    expect(answer.body).toEqual({ requestId: 'req-front-1', upstream: { path: '/flaky/1', requestId: 'req-front-1' } });
    expect(upstream.calls.map((c) => [c.requestId, c.status])).toEqual([['req-front-1', 503], ['req-front-1', 200]]);
  });

  it.each([
    ['markup', '<script>x</script>'],
    ['129 characters', 'b'.repeat(129)],
    ['spaces', 'has spaces'],
  ])('replaces an unsafe inbound ID (%s): the upstream sees the replacement, the response echoes it', async (_case, unsafe) => {
    const answer = await callFront('orders/2', unsafe);
    expect(answer.status).toBe(200);
    expect(answer.echoed).toMatch(UUID);
    expect(upstream.calls).toHaveLength(2);
    expect(upstream.calls.map((c) => c.requestId)).toEqual([answer.echoed, answer.echoed]);
    expect(answer.body.requestId).toBe(answer.echoed);
  });

  it('generates an ID when the caller sends none, and uses it on every upstream attempt', async () => {
    const answer = await callFront('orders/3');
    expect(answer.echoed).toMatch(UUID);
    expect(upstream.calls.map((c) => c.requestId)).toEqual([answer.echoed, answer.echoed]);
  });

  it('never mixes IDs across 50 interleaved concurrent requests', async () => {
    const ids = Array.from({ length: 50 }, (_, i) => `req-concurrent-${i}`);
    const answers = await Promise.all(ids.map((id, i) => callFront(`orders/c${i}`, id)));
    answers.forEach((answer, i) => {
      expect(answer.status).toBe(200);
      expect(answer.echoed).toBe(ids[i]);
      expect(answer.body).toEqual({ requestId: ids[i], upstream: { path: `/flaky/c${i}`, requestId: ids[i] } });
    });
    expect(upstream.calls).toHaveLength(100);
    for (const call of upstream.calls) {
      // Each upstream request carries the ID of the front request that made it.
      expect(call.path).toBe(`/flaky/c${String(call.requestId).replace('req-concurrent-', '')}`);
    }
    for (const id of ids) expect(upstream.callsFor(id).map((c) => c.status)).toEqual([503, 200]);
  });

  it('answers an upstream failure with the errorHandler JSON body carrying the request ID', async () => {
    const answer = await callFront('down', 'req-down-1');
    expect(answer.status).toBe(503);
    expect(answer.echoed).toBe('req-down-1');
    expect(answer.body).toEqual({
      error: { code: 'UPSTREAM_UNAVAILABLE', message: 'The upstream service "upstream" failed', requestId: 'req-down-1' },
    });
    expect(upstream.calls.map((c) => c.requestId)).toEqual(['req-down-1', 'req-down-1', 'req-down-1']);
    const failed = logs.lines.filter((line) => line.requestId === 'req-down-1' && line.msg === 'upstream_request_failed');
    expect(failed).toHaveLength(1);
    const handled = logs.raw.filter((raw) => raw.includes('"request_failed"') && raw.includes('req-down-1'));
    expect(handled).toHaveLength(1);
    expect(duplicateKeys(handled[0]!)).toEqual([]);
  });
});
