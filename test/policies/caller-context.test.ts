import { createClient, withRequestContext } from 'resilient-http';
import type { ClientOptions } from 'resilient-http';
import { beforeEach, describe, expect, it } from 'vitest';

import { capturePino } from '../support/pino-capture.js';
import type { CapturedLogs, LogLine } from '../support/pino-capture.js';
import { useRealServer } from '../support/real-server.js';

/**
 * Work that a policy starts from another call — a queued bulkhead call started by the call that freed
 * its slot, calls released after a half-open probe, hedges fired by timers — must run, log and emit in
 * its own caller's request context. Each call runs in a context with its own request ID and a logger
 * bound to it; a line written from a foreign context carries another ID (and `callRequestId`).
 */
const upstream = useRealServer();
let logs: CapturedLogs;

beforeEach(() => {
  logs = capturePino();
});

const IDS = ['req-1', 'req-2', 'req-3', 'req-4', 'req-5', 'req-6'];

function client(options: ClientOptions) {
  return createClient(upstream.url, { name: 'ledger', logger: logs.logger, retry: { initialDelay: 1 }, ...options });
}

/** Runs `call(id)` inside a request context of its own, with a logger bound to the ID. */
function inContext<T>(id: string, call: (id: string) => Promise<T>): Promise<T> {
  return withRequestContext({ requestId: id, logger: logs.logger.child({ requestId: id }) }, () => call(id));
}

/** The request ID a line's URL names (`…/entries/req-3` → `req-3`). */
function idInUrl(line: LogLine): string {
  return String(line.url).split('/').pop() ?? '';
}

function expectEveryLineInItsOwnContext(msgs: readonly string[]): void {
  const lines = logs.lines.filter((line) => msgs.includes(line.msg));
  expect(lines.length).toBeGreaterThan(0);
  expect(lines.filter((line) => line.requestId !== idInUrl(line) || 'callRequestId' in line)).toEqual([]);
}

describe('callbacks a policy runs for another call keep their own caller context', () => {
  it('runs a queued bulkhead call, its retries and its log lines in its own caller context', async () => {
    // Each call's first attempt gets a 503 after a short wait, its retry a 200: queued calls retry while others hold the slot.
    upstream.handle((_request, response, seen) => {
      setTimeout(() => {
        response.writeHead(seen === 1 ? 503 : 200, { 'content-type': 'application/json' }).end('{}');
      }, 5);
    });
    const ledger = client({ bulkhead: { limit: 1, queue: 10 }, circuitBreaker: false });
    await Promise.all(IDS.map((id) => inContext(id, () => ledger.get(`entries/${id}`))));

    expect(upstream.requests).toHaveLength(12);
    for (const request of upstream.requests) expect(request.url).toBe(`/entries/${String(request.headers['x-request-id'])}`);
    expectEveryLineInItsOwnContext(['upstream_retry', 'upstream_response', 'upstream_request']);
    expect(logs.lines.filter((line) => line.msg === 'upstream_retry')).toHaveLength(6);
  });

  it('runs calls released after a half-open probe in their own caller contexts', async () => {
    let healthy = false;
    upstream.handle((_request, response) => {
      setTimeout(() => response.writeHead(healthy ? 200 : 503).end(), healthy ? 20 : 0);
    });
    const ledger = client({ retry: false, circuitBreaker: { consecutiveFailures: 1, halfOpenAfter: 30 } });
    await ledger.get('entries/open').catch(() => undefined);
    expect(ledger.circuitState).toBe('open');
    healthy = true;
    logs.lines.length = 0;
    await new Promise((resolve) => setTimeout(resolve, 40));
    // The first call is the probe; the others are held by cockatiel until it answers, then released.
    await Promise.all(IDS.map((id) => inContext(id, () => ledger.get(`entries/${id}`))));

    expect(ledger.circuitState).toBe('closed');
    expectEveryLineInItsOwnContext(['upstream_response', 'upstream_request', 'circuit_half_open', 'circuit_closed']);
    expect(logs.named('upstream_response')).toHaveLength(IDS.length);
  });

  it('fires each call’s hedges from its own caller context', async () => {
    upstream.handle((_request, response, seen) => {
      // The first attempt of each call is slow; its hedge answers at once.
      setTimeout(() => response.writeHead(200, { 'content-type': 'application/json' }).end('{}'), seen === 1 ? 200 : 0);
    });
    const ledger = client({ hedging: { delay: 20 }, circuitBreaker: false });
    await Promise.all(IDS.map((id) => inContext(id, () => ledger.get(`entries/${id}`))));

    expect(logs.named('upstream_hedge')).toHaveLength(IDS.length);
    expectEveryLineInItsOwnContext(['upstream_hedge', 'upstream_response']);
  });
});
