import { getEventListeners } from 'node:events';

import { UpstreamAbortedError, createClient } from 'resilient-http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { rejectionOf } from '../support/rejection.js';
import { answerLater, useRealServer } from '../support/real-server.js';

const upstream = useRealServer();
const warnings: Error[] = [];
const onWarning = (warning: Error): void => {
  warnings.push(warning);
};

beforeAll(() => {
  process.on('warning', onWarning);
});
afterAll(() => {
  process.off('warning', onWarning);
});

const CALLS = 50;

describe('regression (issue 12): a shared caller signal warns', () => {
  it('adds one listener per call to a signal 50 concurrent calls share, removes them as calls settle, and never warns', async () => {
    upstream.handle((_request, response) => {
      answerLater(response, 30, { ok: true });
    });
    const client = createClient(upstream.url, { logger: false, hedging: { delay: 10 }, retry: { initialDelay: 1 } });
    const shared = new AbortController();
    const calls = Array.from({ length: CALLS }, (_, i) => client.get(`items/${String(i)}`, { signal: shared.signal }));
    expect(getEventListeners(shared.signal, 'abort')).toHaveLength(CALLS);
    await Promise.all(calls);
    expect(getEventListeners(shared.signal, 'abort')).toHaveLength(0);
    // Hedges went out (each first attempt was slower than the hedge delay): more signals in play, still one listener per call.
    expect(upstream.requests.length).toBeGreaterThan(CALLS);
    expect(warnings.filter((warning) => warning.name === 'MaxListenersExceededWarning')).toEqual([]);
  });

  it('cancels every call that shares the signal, each with UpstreamAbortedError, and leaves no listener behind', async () => {
    upstream.handle((_request, response) => {
      answerLater(response, 5_000, { late: true });
    });
    const client = createClient(upstream.url, { logger: false });
    const shared = new AbortController();
    const calls = Array.from({ length: CALLS }, (_, i) => rejectionOf(client.get(`items/${String(i)}`, { signal: shared.signal })));
    await new Promise((resolve) => setTimeout(resolve, 50));
    shared.abort(new Error('caller left'));
    const errors = await Promise.all(calls);
    expect(errors.every((error) => error instanceof UpstreamAbortedError)).toBe(true);
    expect(getEventListeners(shared.signal, 'abort')).toHaveLength(0);
    expect(warnings.filter((warning) => warning.name === 'MaxListenersExceededWarning')).toEqual([]);
  });
});
