import { setTimeout as sleep } from 'node:timers/promises';

import { UpstreamAbortedError, UpstreamTimeoutError, requestContext } from 'resilient-http';
import type { RequestContextMiddlewareOptions } from 'resilient-http';
import { afterEach, describe, expect, it } from 'vitest';

import { startDeadlineFront } from '../support/deadline-front.js';
import type { ContextAnswer, DeadlineFront, DeadlineFrontOptions, FrontKind } from '../support/deadline-front.js';
import { answerJson, answerLater, useRealServer } from '../support/real-server.js';

const upstream = useRealServer();
const fronts: DeadlineFront[] = [];
afterEach(async () => {
  await Promise.all(fronts.splice(0).map((front) => front.close()));
});

async function front(kind: FrontKind, options: DeadlineFrontOptions): Promise<DeadlineFront> {
  const started = await startDeadlineFront(kind, upstream.url, options);
  fronts.push(started);
  return started;
}

/** Resolves once the upstream has received `count` requests (fails the test after 5 s). */
async function upstreamReceived(count: number): Promise<void> {
  for (let waited = 0; upstream.requests.length < count; waited += 5) {
    if (waited > 5_000) throw new Error(`the upstream received ${upstream.requests.length} requests, not ${count}`);
    await sleep(5);
  }
}

/** A never-answering upstream (it answers after 10 s unless the request is closed first). */
function slowUpstream(): void {
  upstream.handle((_request, response) => {
    answerLater(response, 10_000, { late: true });
  });
}

const TIMEOUT_HEADER = 'x-request-timeout-ms';

describe.each(['node:http', 'express'] as const)('a %s front service with requestContext()', (kind) => {
  it('closes the upstream socket and sends no further attempt when its own caller hangs up', async () => {
    slowUpstream();
    // Without the cancellation, two more attempts would follow each 300 ms attempt timeout.
    const service = await front(kind, { client: { timeout: { attempt: 300 }, retry: { maxAttempts: 3, initialDelay: 1 } } });
    const caller = new AbortController();
    const inbound = fetch(`${service.url}invoices/7`, { signal: caller.signal }).catch((error: unknown) => error);
    await upstreamReceived(1);
    caller.abort();
    expect(await inbound).toBeInstanceOf(Error);

    expect(await upstream.requests[0]!.closedEarly).toBe(true);
    // A retry follows a closed attempt within a few ms (initialDelay 1), and an attempt left running ends by 300 ms.
    await sleep(400);
    expect(upstream.requests).toHaveLength(1);
    expect(service.errors).toHaveLength(1);
    expect(service.errors[0]).toBeInstanceOf(UpstreamAbortedError);
    expect(service.errors[0]).toMatchObject({ code: 'UPSTREAM_ABORTED', attempts: 1 });
  });

  it('stops waiting out a backoff when its caller hangs up: no further attempt', async () => {
    // Retry-After fixes the wait at 5 s: a jittered backoff could be shorter than the hang-up below.
    upstream.handle((_request, response) => {
      response.writeHead(503, { 'retry-after': '5' }).end();
    });
    const service = await front(kind, { client: { retry: { maxAttempts: 3, initialDelay: 5_000, maxDelay: 5_000 }, circuitBreaker: false } });
    const caller = new AbortController();
    const inbound = fetch(`${service.url}invoices/7`, { signal: caller.signal }).catch((error: unknown) => error);
    await upstreamReceived(1);
    await sleep(50);
    caller.abort();
    await inbound;
    for (let waited = 0; service.errors.length === 0 && waited < 2_000; waited += 10) await sleep(10);
    expect(service.errors[0]).toBeInstanceOf(UpstreamAbortedError);
    await sleep(200);
    expect(upstream.requests).toHaveLength(1);
  });

  it('does not cancel anything once it has answered', async () => {
    upstream.handle((_request, response) => {
      answerJson(response, { id: 7 });
    });
    const service = await front(kind, {});
    const response = await fetch(`${service.url}invoices/7`);
    expect(await response.json()).toEqual({ id: 7 });
    expect(await upstream.requests[0]!.closedEarly).toBe(false);
    expect(service.errors).toEqual([]);
  });

  it(`bounds its outgoing call by an inbound ${TIMEOUT_HEADER}: 200 → a deadline UpstreamTimeoutError, answered 504`, async () => {
    slowUpstream();
    const service = await front(kind, { context: { timeoutHeader: TIMEOUT_HEADER } });
    const started = performance.now();
    const response = await fetch(`${service.url}invoices/7`, { headers: { [TIMEOUT_HEADER]: '200' } });
    const elapsed = performance.now() - started;

    expect(response.status).toBe(504);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('UPSTREAM_TIMEOUT');
    // The client's own limits (10 s attempt, 30 s total) would have waited far longer.
    expect(elapsed).toBeLessThan(3_000);
    const error = service.errors[0] as UpstreamTimeoutError;
    expect(error).toBeInstanceOf(UpstreamTimeoutError);
    expect(error.timeoutKind).toBe('deadline');
    expect(Number.isInteger(error.timeoutMs)).toBe(true);
    expect(error.timeoutMs).toBeGreaterThan(0);
    expect(error.timeoutMs).toBeLessThanOrEqual(200);
    expect(await upstream.requests[0]!.closedEarly).toBe(true);
    await sleep(100);
    expect(upstream.requests).toHaveLength(1); // a deadline is never retried
  });

  it('passes the time left on to its upstream when its client has timeoutHeader too', async () => {
    upstream.handle((_request, response) => {
      answerJson(response, { ok: true });
    });
    const service = await front(kind, { context: { timeoutHeader: TIMEOUT_HEADER }, client: { timeoutHeader: TIMEOUT_HEADER } });
    await fetch(`${service.url}invoices/7`, { headers: { [TIMEOUT_HEADER]: '1500' } });
    const sent = upstream.requests[0]!.headers[TIMEOUT_HEADER];
    expect(sent).toMatch(/^[0-9]+$/);
    expect(Number(sent)).toBeGreaterThan(0);
    expect(Number(sent)).toBeLessThanOrEqual(1500);
  });
});

describe('requestContext() and the inbound timeout header', () => {
  async function contextFor(options: RequestContextMiddlewareOptions, headers: Record<string, string>): Promise<ContextAnswer> {
    const service = await front('node:http', { context: options });
    const response = await fetch(`${service.url}context`, { headers });
    return (await response.json()) as ContextAnswer;
  }

  it('sets the deadline from an integer from 1 to 3 600 000 ms', async () => {
    for (const value of ['1', '200', '3600000']) {
      const seen = await contextFor({ timeoutHeader: TIMEOUT_HEADER }, { [TIMEOUT_HEADER]: value });
      expect(seen.deadline).not.toBeNull();
      const left = seen.deadline! - seen.now;
      expect(left).toBeLessThanOrEqual(Number(value));
      expect(left).toBeGreaterThan(Number(value) - 1_000);
    }
  });

  it.each(['0', '-5', '3600001', '200ms', '1e3', '2.5', ' ', '99999999999'])('ignores %j', async (value) => {
    const seen = await contextFor({ timeoutHeader: TIMEOUT_HEADER }, { [TIMEOUT_HEADER]: value });
    expect(seen.deadline).toBeNull();
    expect(seen.hasSignal).toBe(true);
  });

  it('trusts no inbound header by default', async () => {
    const seen = await contextFor({}, { [TIMEOUT_HEADER]: '200' });
    expect(seen.deadline).toBeNull();
  });

  it('reads the header case-insensitively', async () => {
    const seen = await contextFor({ timeoutHeader: 'X-Deadline-Ms' }, { 'x-deadline-ms': '500' });
    expect(seen.deadline).not.toBeNull();
  });

  it.each([
    ['a name with a space', 'x timeout'],
    ['an empty name', ''],
    ['a number', 200],
  ])('throws a TypeError naming timeoutHeader for %s', (_case, value) => {
    expect(() => requestContext({ timeoutHeader: value as string })).toThrow(/^timeoutHeader must be a header name/);
    expect(() => requestContext({ timeoutHeader: value as string })).toThrow(TypeError);
  });
});
