// Internals: the log subscriber takes a scripted clock here, to step through its summary window.
import { subscribe, unsubscribe } from 'node:diagnostics_channel';

import { CHANNELS, UpstreamCircuitOpenError, createClient } from 'resilient-http';
import type { RequestEndEvent } from 'resilient-http';
import { mockUpstream } from 'resilient-http/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { createLogSubscriber } from '../../src/logging/log-adapter.js';
import { server, useMsw } from '../../mocks/server.js';
import { capturePino } from '../support/pino-capture.js';
import type { LogLine } from '../support/pino-capture.js';
import { rejectionOf, upstreamFailure } from '../support/rejection.js';

useMsw();
const billing = mockUpstream('https://billing.test/');
afterEach(() => {
  billing.reset();
});

const suppressedIn = (lines: LogLine[]): number => lines.reduce((sum, line) => sum + (typeof line.suppressed === 'number' ? line.suppressed : 0), 0);

const base = { service: 'billing', method: 'GET', url: 'https://billing.test/x', requestId: 'r' };

/** A call's `request:end` that failed on an open circuit after `attempts` requests. */
function openCircuitEnd(attempts: number, durationMs: number): RequestEndEvent {
  return {
    ...base,
    status: undefined,
    attempts,
    durationMs,
    expected: false,
    error: new UpstreamCircuitOpenError({ ...base, attempts }),
  };
}

describe('an open circuit\'s instant rejections, summarised', () => {
  it('writes a handful of lines for 500 rejections, whose suppressed counts add up to the rest', async () => {
    const logs = capturePino('info');
    const events: unknown[] = [];
    const onEnd = (event: unknown): void => {
      events.push(event);
    };
    subscribe(CHANNELS['request:end'], onEnd);
    // cockatiel times the open circuit on Date.now(): the wall clock alone is scripted, msw's timers stay real.
    vi.useFakeTimers({ toFake: ['Date'] });
    server.use(billing.status('get', 'invoices/:id', 503));
    const client = createClient('https://billing.test/', {
      name: 'billing',
      logger: logs.logger,
      retry: false,
      circuitBreaker: { consecutiveFailures: 1, halfOpenAfter: 1_000 },
    });
    try {
      await rejectionOf(client.get('invoices/0'));
      expect(client.circuitState).toBe('open');
      const rejected = await Promise.all(Array.from({ length: 500 }, (_, i) => rejectionOf(client.get(`invoices/${i + 1}`))));
      expect(rejected.every((error) => error instanceof UpstreamCircuitOpenError)).toBe(true);
      expect(billing.calls).toHaveLength(1);

      const rejectionLines = logs.named('upstream_request_failed').filter((line) => line.code === 'UPSTREAM_CIRCUIT_OPEN');
      expect(rejectionLines.length).toBeGreaterThanOrEqual(1);
      expect(rejectionLines.length).toBeLessThanOrEqual(5);
      // The diagnostics channel still sees every call.
      expect(events.filter((event) => (event as RequestEndEvent).error?.code === 'UPSTREAM_CIRCUIT_OPEN')).toHaveLength(500);

      // The count still owed goes on the circuit's next transition line (the half-open probe).
      vi.setSystemTime(Date.now() + 1_100); // past halfOpenAfter (1 s)
      await upstreamFailure(client.get('invoices/probe'));
      const halfOpen = logs.named('circuit_half_open');
      expect(halfOpen).toHaveLength(1);
      expect(suppressedIn(logs.lines)).toBe(500 - rejectionLines.length);
      expect(logs.lines.length).toBeLessThanOrEqual(12);
    } finally {
      vi.useRealTimers();
      unsubscribe(CHANNELS['request:end'], onEnd);
    }
  });

  it('writes the first rejection of each one-second window, carrying the count of the window before', () => {
    const logs = capturePino('info');
    let now = 0;
    const subscriber = createLogSubscriber(logs.logger, () => now);
    const rejection = openCircuitEnd(0, 0);
    for (const at of [0, 10, 500, 999]) {
      now = at;
      subscriber.receive('request:end', rejection);
    }
    now = 1_000;
    subscriber.receive('request:end', rejection);
    now = 1_001;
    subscriber.receive('request:end', rejection);
    now = 1_500;
    subscriber.receive('circuit', { ...base, state: 'half-open' });
    expect(logs.lines.map((line) => [line.msg, line.suppressed])).toEqual([
      ['upstream_request_failed', undefined],
      ['upstream_request_failed', 3],
      ['circuit_half_open', 1],
    ]);
  });

  it('writes every failure that sent a request, open circuit or not', () => {
    const logs = capturePino('info');
    const subscriber = createLogSubscriber(logs.logger, () => 0);
    const afterRetries = openCircuitEnd(2, 5);
    subscriber.receive('request:end', afterRetries);
    subscriber.receive('request:end', afterRetries);
    expect(logs.named('upstream_request_failed')).toHaveLength(2);
  });
});
