import { setTimeout as sleep } from 'node:timers/promises';

import { createClient, withRequestContext } from 'resilient-http';
import type { ClientOptions } from 'resilient-http';
import { describe, expect, it } from 'vitest';

import { answerJson, useRealServer } from '../../support/real-server.js';

const HEADER = 'x-request-timeout-ms';
const upstream = useRealServer();

function client(options: ClientOptions = {}) {
  return createClient(upstream.url, { logger: false, circuitBreaker: false, retry: { initialDelay: 1 }, timeoutHeader: HEADER, ...options });
}

/** Answers 503 (after 10 ms, so each attempt takes time) to the first request of each request ID, 200 after. */
function failFirst(): void {
  upstream.handle((_request, response, seen) => {
    if (seen > 1) {
      answerJson(response, { ok: true });
      return;
    }
    setTimeout(() => response.writeHead(503).end(), 10);
  });
}

/** The header each request carried, as a number (the text must be a plain integer). */
function sentTimes(): number[] {
  return upstream.requests.map((request) => {
    const value = request.headers[HEADER];
    expect(value).toMatch(/^[0-9]+$/);
    return Number(value);
  });
}

describe('createClient timeoutHeader', () => {
  it('sends nothing by default', async () => {
    upstream.handle((_request, response) => {
      answerJson(response, {});
    });
    await createClient(upstream.url, { logger: false }).get('invoices/7');
    expect(upstream.requests[0]!.headers[HEADER]).toBeUndefined();
  });

  it('sends the attempt timeout when it is shorter than the time the call has left', async () => {
    failFirst();
    await client({ timeout: { attempt: 300, total: 30_000 } }).get('invoices/7');
    expect(sentTimes()).toEqual([300, 300]);
  });

  it("sends the call's remaining time when it is shorter: less on the retry than on the first attempt", async () => {
    failFirst();
    await client({ timeout: { attempt: 1_000, total: 1_000 } }).get('invoices/7');
    const [first, retry] = sentTimes();
    expect(first).toBeGreaterThan(0);
    expect(first).toBeLessThanOrEqual(1_000);
    expect(retry).toBeGreaterThan(0);
    expect(retry).toBeLessThan(first!);
  });

  it("sends no more than the request context's deadline leaves", async () => {
    failFirst();
    await withRequestContext({ timeoutMs: 800 }, async () => {
      await sleep(50);
      return client().get('invoices/7');
    });
    const [first, retry] = sentTimes();
    expect(first).toBeLessThanOrEqual(750);
    expect(first).toBeGreaterThan(0);
    expect(retry).toBeLessThan(first!);
  });

  it('wins over a header of the same name given in options.headers', async () => {
    upstream.handle((_request, response) => {
      answerJson(response, {});
    });
    await client({ timeout: { attempt: 250 } }).get('invoices/7', { headers: { [HEADER]: '999999' } });
    expect(sentTimes()).toEqual([250]);
  });

  it('sends the header under any valid name, lower-cased', async () => {
    upstream.handle((_request, response) => {
      answerJson(response, {});
    });
    await client({ timeoutHeader: 'X-Deadline-Ms', timeout: { attempt: 400 } }).get('invoices/7');
    expect(upstream.requests[0]!.headers['x-deadline-ms']).toBe('400');
  });

  it.each([
    ['a name with a space', 'x timeout', /^timeoutHeader must be a header name, got "x timeout"/],
    ['an empty name', '', /^timeoutHeader must be a header name/],
    ['a number', 42, /^timeoutHeader must be a header name, got 42/],
    ['the request ID header', 'X-Request-Id', /^timeoutHeader must be a header other than requestIdHeader/],
  ])('throws a TypeError naming timeoutHeader for %s', (_case, value, message) => {
    expect(() => createClient(upstream.url, { timeoutHeader: value as string })).toThrow(message);
    expect(() => createClient(upstream.url, { timeoutHeader: value as string })).toThrow(TypeError);
  });
});
