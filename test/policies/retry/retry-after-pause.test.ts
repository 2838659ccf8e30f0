import { CHANNELS, UpstreamThrottledError, UpstreamUnavailableError, createClient, toErrorResponse } from 'resilient-http';
import type { ClientOptions, ThrottleEvent } from 'resilient-http';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { collectEvents } from '../../support/channel-events.js';
import { upstreamFailure } from '../../support/rejection.js';
import { useRealServer } from '../../support/real-server.js';

const NOW = 1_800_000_000_000;

describe('a Retry-After pauses every new attempt of the client (epoch clock frozen; timers real)', () => {
  const upstream = useRealServer();
  let onEvent: ((event: ThrottleEvent) => void) | undefined;
  const events = collectEvents([CHANNELS.throttle], (message) => {
    onEvent?.(message as ThrottleEvent);
    return message as ThrottleEvent;
  });
  afterEach(() => {
    onEvent = undefined;
    vi.useRealTimers();
  });

  /** The first request gets 503 with `Retry-After: <seconds>`, every later one 200. */
  const shedOnce = (seconds: string): void => {
    upstream.handle((_req, res, _seen) => {
      if (upstream.requests.length === 1) {
        res.writeHead(503, { 'retry-after': seconds });
      }
      res.end('ok');
    });
  };
  const client = (options: ClientOptions) => createClient(upstream.url, { name: 'paused', logger: false, ...options });

  it('rejects at once a call whose time left ends before the pause: reason retry-after, retryAfterMs, nothing sent', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: NOW });
    shedOnce('1');
    const paused = client({ retry: false });
    expect(await upstreamFailure(paused.get('first'))).toBeInstanceOf(UpstreamUnavailableError);

    const started = performance.now();
    const error = await upstreamFailure(paused.get('second', { timeout: { total: 500 } }));
    expect(performance.now() - started).toBeLessThan(400);
    expect(error).toBeInstanceOf(UpstreamThrottledError);
    expect(error).toMatchObject({ code: 'UPSTREAM_THROTTLED', statusCode: 503, reason: 'retry-after', retryAfterMs: 1000, attempts: 0 });
    expect(toErrorResponse(error).headers['retry-after']).toBe('1');
    expect(upstream.requests).toHaveLength(1);
    expect(events.map((event) => [event.decision, event.reason, event.waitMs])).toEqual([
      ['paused', 'retry-after', 1000],
      ['throttled', 'retry-after', 1000],
    ]);

    vi.setSystemTime(NOW + 1000);
    await expect(paused.get('third')).resolves.toBe('ok');
    expect(upstream.requests).toHaveLength(2);
  });

  it('holds another call that starts during the pause until it has passed, as well as the retry of the call that saw it', async () => {
    // The real clock here: a frozen one would never let the pause pass.
    shedOnce('1');
    const paused = client({ retry: { initialDelay: 1 } });
    const sawPause = new Promise<void>((resolve) => {
      onEvent = (event) => {
        if (event.decision === 'paused') resolve();
      };
    });
    const started = performance.now();
    const first = paused.get('first');
    await sawPause;
    const second = paused.get('second');
    await expect(Promise.all([first, second])).resolves.toEqual(['ok', 'ok']);
    const elapsed = performance.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(950);
    expect(elapsed).toBeLessThan(1900);
    expect(upstream.requests.map((request) => request.url)).toEqual(['/first', expect.any(String), expect.any(String)]);
    const waited = events.filter((event) => event.decision === 'waited');
    expect(waited).toHaveLength(1);
    expect(waited[0]).toMatchObject({ reason: 'retry-after', url: `${upstream.url}second` });
    expect(waited[0]?.waitMs).toBeGreaterThan(900);
    expect(waited[0]?.waitMs).toBeLessThanOrEqual(1000);
  });

  it('trusts no Retry-After beyond maxRetryAfter: that call fails at once and nothing is paused', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: NOW });
    shedOnce('120');
    const paused = client({ retry: { initialDelay: 1 } });
    expect(await upstreamFailure(paused.get('first'))).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', retryAfterMs: 120_000, attempts: 1 });
    await expect(paused.get('second')).resolves.toBe('ok');
    expect(events).toEqual([]);
  });

  it('pauses on 429 as on 503, and not on another status', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: NOW });
    let status = 500;
    upstream.handle((_req, res) => {
      res.writeHead(status, { 'retry-after': '5' });
      res.end();
    });
    const paused = client({ retry: false });
    await upstreamFailure(paused.get('a'));
    expect(events).toEqual([]);
    status = 429;
    await upstreamFailure(paused.get('b'));
    expect(events.map((event) => event.decision)).toEqual(['paused']);
    expect(await upstreamFailure(paused.get('c', { timeout: { total: 1000 } }))).toMatchObject({ reason: 'retry-after', retryAfterMs: 5000 });
    expect(upstream.requests).toHaveLength(2);
  });
});
