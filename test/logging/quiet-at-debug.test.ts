// Internals: the log subscriber takes a scripted clock here, to step through its summary window.
import { subscribe, unsubscribe } from 'node:diagnostics_channel';

import {
  CHANNELS,
  UpstreamAbortedError,
  UpstreamCircuitOpenError,
  UpstreamConcurrencyLimitError,
  UpstreamServerError,
  UpstreamUnavailableError,
  createClient,
} from 'resilient-http';
import type { ClientEventName, RequestEndEvent } from 'resilient-http';
import { mockUpstream } from 'resilient-http/testing';
import { afterEach, describe, expect, it } from 'vitest';

import { createLogSubscriber } from '../../src/logging/log-adapter.js';
import { server, useMsw } from '../../mocks/server.js';
import { LEVEL, capturePino } from '../support/pino-capture.js';
import type { LogLine } from '../support/pino-capture.js';
import { rejectionOf, upstreamFailure } from '../support/rejection.js';

useMsw();
const billing = mockUpstream('https://billing.test/');
const teardown: (() => void)[] = [];
afterEach(() => {
  billing.reset();
  for (const undo of teardown.splice(0)) undo();
});

/** Every event published on `name`'s channel while the test runs. */
function published(name: ClientEventName): unknown[] {
  const seen: unknown[] = [];
  const onEvent = (event: unknown): void => {
    seen.push(event);
  };
  subscribe(CHANNELS[name], onEvent);
  teardown.push(() => unsubscribe(CHANNELS[name], onEvent));
  return seen;
}

const withSuppressed = (lines: LogLine[]): [string, unknown][] =>
  lines.filter((line) => 'suppressed' in line).map((line) => [line.msg, line.suppressed]);

describe('at log level debug, a call rejected with nothing sent', () => {
  it('writes no upstream_request line for an open circuit\'s rejections, and puts no suppressed count on a debug line', async () => {
    const logs = capturePino('debug');
    const starts = published('request:start');
    server.use(billing.status('get', 'invoices/:id', 503));
    const client = createClient('https://billing.test/', {
      name: 'billing',
      logger: logs.logger,
      retry: false,
      circuitBreaker: { consecutiveFailures: 1, halfOpenAfter: 60_000 },
    });

    expect(await upstreamFailure(client.get('invoices/0'))).toBeInstanceOf(UpstreamUnavailableError);
    expect(client.circuitState).toBe('open');
    const rejected = await Promise.all(Array.from({ length: 50 }, (_, i) => rejectionOf(client.get(`invoices/${String(i + 1)}`))));
    expect(rejected.every((error) => error instanceof UpstreamCircuitOpenError)).toBe(true);

    expect(billing.calls).toHaveLength(1);
    // One request sent: one upstream_request line, one request:start event, both for the call that was sent.
    expect(logs.named('upstream_request').map((line) => line.url)).toEqual(['https://billing.test/invoices/0']);
    expect(starts).toHaveLength(1);
    expect(logs.lines.map((line) => line.msg)).toEqual(['upstream_request', 'circuit_opened', 'upstream_request_failed', 'upstream_request_failed']);
    expect(logs.lines.filter((line) => line.level === LEVEL.debug && 'suppressed' in line)).toEqual([]);
  });

  it('writes no upstream_request line when the bulkhead is full or the caller had already cancelled', async () => {
    const logs = capturePino('debug');
    server.use(billing.delay('get', 'slow', 'infinite'));
    const client = createClient('https://billing.test/', { name: 'billing', logger: logs.logger, retry: false, bulkhead: { limit: 1 } });
    const hangUp = new AbortController();
    const inFlight = rejectionOf(client.get('slow', { signal: hangUp.signal }));
    await expect.poll(() => billing.calls.length).toBe(1);

    expect(await rejectionOf(client.get('full'))).toBeInstanceOf(UpstreamConcurrencyLimitError);
    expect(await rejectionOf(client.get('cancelled', { signal: AbortSignal.abort() }))).toBeInstanceOf(UpstreamAbortedError);
    hangUp.abort();
    expect(await inFlight).toBeInstanceOf(UpstreamAbortedError);

    expect(billing.calls.map((call) => call.path)).toEqual(['/slow']);
    expect(logs.named('upstream_request').map((line) => line.url)).toEqual(['https://billing.test/slow']);
    expect(logs.named('upstream_request_failed').map((line) => [line.url, line.code])).toEqual([
      ['https://billing.test/full', 'UPSTREAM_CONCURRENCY_LIMIT'],
      ['https://billing.test/cancelled', 'UPSTREAM_ABORTED'],
      ['https://billing.test/slow', 'UPSTREAM_ABORTED'],
    ]);
  });
});

describe('the suppressed count', () => {
  const base = { service: 'billing', method: 'GET', url: 'https://billing.test/x', requestId: 'r' };
  const rejection: RequestEndEvent = {
    ...base,
    status: undefined,
    attempts: 0,
    durationMs: 0,
    expected: false,
    error: new UpstreamCircuitOpenError({ ...base, attempts: 0 }),
  };
  const served: RequestEndEvent = { ...base, status: 200, attempts: 1, durationMs: 3, expected: false, error: undefined };
  const failedAfterSending: RequestEndEvent = {
    ...base,
    status: 500,
    attempts: 1,
    durationMs: 3,
    expected: false,
    error: new UpstreamServerError({ ...base, attempts: 1, upstreamStatus: 500 }),
  };

  it.each(['debug', 'info', 'warn'])('goes only on the next summary or transition line at level %s', (level) => {
    const logs = capturePino(level);
    let now = 0;
    const subscriber = createLogSubscriber(logs.logger, () => now);
    subscriber.receive('request:end', rejection); // the window's first: written
    for (let i = 0; i < 4; i++) subscriber.receive('request:end', rejection); // counted
    // Lines of other calls, at every level, in between: none takes the count.
    subscriber.receive('request:start', base);
    subscriber.receive('request:end', served);
    subscriber.receive('hedge', { ...base, hedge: 1, afterMs: 5 });
    subscriber.receive('retry', { ...base, attempt: 1, waitMs: 10, reason: 'status 503', fromRetryAfter: false });
    subscriber.receive('request:end', failedAfterSending);
    now = 500;
    subscriber.receive('circuit', { ...base, state: 'half-open' });
    subscriber.receive('circuit', { ...base, state: 'open' });

    expect(withSuppressed(logs.lines)).toEqual([['circuit_half_open', 4]]);
    expect(logs.named('upstream_request_failed')).toHaveLength(2);
  });

  it('waits, at level error, for the next window\'s first rejection when the transition line is not written', () => {
    const logs = capturePino('error');
    let now = 0;
    const subscriber = createLogSubscriber(logs.logger, () => now);
    for (let i = 0; i < 3; i++) subscriber.receive('request:end', rejection);
    subscriber.receive('circuit', { ...base, state: 'half-open' }); // warn: not written, keeps the count
    subscriber.receive('request:end', failedAfterSending); // error, but not a summary line
    now = 1_000;
    subscriber.receive('request:end', rejection);
    expect(logs.lines.map((line) => [line.msg, line.attempts, line.suppressed])).toEqual([
      ['upstream_request_failed', 0, undefined],
      ['upstream_request_failed', 1, undefined],
      ['upstream_request_failed', 0, 2],
    ]);
  });
});
