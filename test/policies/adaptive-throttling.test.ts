// Internals: the throttle's arithmetic is tested with a scripted clock and random source; the client-level tests use the public API.
import { CHANNELS, UpstreamThrottledError, UpstreamUnavailableError, createClient, throttleProbability } from 'resilient-http';
import type { ClientOptions, ThrottleEvent, UpstreamError } from 'resilient-http';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { AdaptiveThrottle, acceptedBy, normalizeAdaptiveThrottling } from '../../src/policies/adaptive-throttling.js';
import type { AttemptResult } from '../../src/transport/attempt-result.js';
import { collectEvents } from '../support/channel-events.js';
import { upstreamFailure as rejection } from '../support/rejection.js';
import { useRealServer } from '../support/real-server.js';

const OK: AttemptResult = { ok: true, response: { status: 200, headers: new Headers(), data: undefined } } as unknown as AttemptResult;
const status = (code: number): AttemptResult => ({
  ok: false,
  failure: { kind: 'status', status: code, statusText: '', body: undefined, problem: undefined, retryAfterMs: undefined },
});
const TIMEOUT: AttemptResult = { ok: false, failure: { kind: 'timeout', timeoutKind: 'attempt', timeoutMs: 10, cause: undefined } };
const ABORTED: AttemptResult = { ok: false, failure: { kind: 'aborted', cause: undefined } };

/** A throttle on a clock and a random source the test sets by hand. */
function throttle(options = { multiplier: 2, windowMs: 120_000 }) {
  let time = 5_000_000;
  let next = 0;
  const subject = new AdaptiveThrottle(options, () => time, () => next);
  return {
    subject,
    advance: (ms: number) => { time += ms; },
    random: (value: number) => { next = value; },
  };
}

describe('throttleProbability: the SRE formula, max(0, (requests − K × accepts) / (requests + 1))', () => {
  it('is 0 while accepts × K covers the requests, healthy or half failing', () => {
    expect(throttleProbability(0, 0, 2)).toBe(0);
    expect(throttleProbability(1000, 1000, 2)).toBe(0);
    expect(throttleProbability(1000, 500, 2)).toBe(0);
  });

  it('grows with the share the upstream rejects: 1 − K × (1 − rejected) for a long run', () => {
    expect(throttleProbability(99, 0, 2)).toBeCloseTo(99 / 100, 10);
    expect(throttleProbability(999, 333, 2)).toBeCloseTo((999 - 666) / 1000, 10);
    expect(throttleProbability(999, 333, 3)).toBe(0);
  });
});

describe('AdaptiveThrottle (pure, with a fake clock and random source)', () => {
  it('never refuses while every attempt is accepted, whatever the random draw', () => {
    const { subject, random } = throttle();
    random(0);
    for (let i = 0; i < 10_000; i++) {
      expect(subject.refuses()).toBe(false);
      subject.record(OK);
    }
    expect(subject.probability()).toBe(0);
  });

  it('counts 429, 503, network errors and timeouts as requests only; 500 and 404 as accepted; a cancellation as neither', () => {
    expect([OK, status(404), status(500), status(429), status(503), TIMEOUT, ABORTED].map(acceptedBy)).toEqual([
      true, true, true, false, false, false, undefined,
    ]);
    const { subject } = throttle();
    for (let i = 0; i < 9; i++) subject.record(status(503));
    expect(subject.probability()).toBeCloseTo(9 / 10, 10);
    subject.record(ABORTED);
    expect(subject.probability()).toBeCloseTo(9 / 10, 10);
    subject.record(status(500));
    expect(subject.probability()).toBeCloseTo((10 - 2) / 11, 10);
  });

  it('refuses when the draw falls under the probability, and counts the refusal as a request at once', () => {
    const { subject, random } = throttle();
    for (let i = 0; i < 3; i++) subject.record(status(503));
    expect(subject.probability()).toBeCloseTo(3 / 4, 10);
    random(0.75);
    expect(subject.refuses()).toBe(false);
    expect(subject.probability()).toBeCloseTo(3 / 4, 10);
    random(0.74);
    expect(subject.refuses()).toBe(true);
    expect(subject.probability()).toBeCloseTo(4 / 5, 10);
  });

  it('forgets what fell out of the window, bucket by bucket', () => {
    const { subject, advance } = throttle({ multiplier: 2, windowMs: 12_000 });
    for (let i = 0; i < 9; i++) subject.record(status(503));
    advance(6_000);
    for (let i = 0; i < 9; i++) subject.record(status(503));
    expect(subject.probability()).toBeCloseTo(18 / 19, 10);
    advance(6_000);
    expect(subject.probability()).toBeCloseTo(9 / 10, 10);
    advance(6_000);
    expect(subject.probability()).toBe(0);
  });
});

describe('adaptiveThrottling option', () => {
  it('is off by default; true takes multiplier 2 over 120 s', () => {
    expect(normalizeAdaptiveThrottling(undefined)).toBeUndefined();
    expect(normalizeAdaptiveThrottling(false)).toBeUndefined();
    expect(normalizeAdaptiveThrottling(true)).toEqual({ multiplier: 2, windowMs: 120_000 });
    expect(normalizeAdaptiveThrottling({ windowMs: 60_000 })).toEqual({ multiplier: 2, windowMs: 60_000 });
  });

  it('throws a TypeError naming the option path', () => {
    expect(() => createClient('http://127.0.0.1:1/', { adaptiveThrottling: { multiplier: 0.5 } })).toThrow(
      new TypeError('adaptiveThrottling.multiplier must be a finite number >= 1, got 0.5'),
    );
    expect(() => createClient('http://127.0.0.1:1/', { adaptiveThrottling: { windowMs: 0 } })).toThrow(/^adaptiveThrottling\.windowMs must be/);
    expect(() => createClient('http://127.0.0.1:1/', { adaptiveThrottling: { window: 1 } as never })).toThrow(/adaptiveThrottling\.window is not a known option/);
  });
});

describe('adaptive throttling against a real upstream', () => {
  const upstream = useRealServer();
  const events = collectEvents<ThrottleEvent>([CHANNELS.throttle]);
  afterEach(() => {
    vi.restoreAllMocks();
  });

  const client = (options: ClientOptions) =>
    createClient(upstream.url, { name: 'shedding', logger: false, adaptiveThrottling: true, ...options });

  it('sends every call of healthy traffic, even with a random source that would refuse anything it could', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0);
    upstream.handle((_req, res) => res.end('ok'));
    const healthy = client({});
    for (let i = 0; i < 200; i++) await healthy.get('fine');
    expect(upstream.requests).toHaveLength(200);
    expect(events).toEqual([]);
  });

  it('refuses attempts locally while the upstream sheds: nothing sent, UpstreamThrottledError, the breaker untouched', async () => {
    // A draw of 0.5 refuses once the probability passes one half: from the third request on (2/3).
    vi.spyOn(Math, 'random').mockReturnValue(0.5);
    upstream.handle((_req, res) => {
      res.statusCode = 503;
      res.end();
    });
    const shedding = client({ retry: false, circuitBreaker: { consecutiveFailures: 3 } });
    const errors: UpstreamError[] = [];
    for (let i = 0; i < 10; i++) errors.push(await rejection(shedding.get('busy')));

    expect(upstream.requests).toHaveLength(2);
    expect(errors.slice(0, 2).every((error) => error instanceof UpstreamUnavailableError)).toBe(true);
    for (const error of errors.slice(2)) {
      expect(error).toBeInstanceOf(UpstreamThrottledError);
      expect(error).toMatchObject({ code: 'UPSTREAM_THROTTLED', statusCode: 503, reason: 'adaptive', attempts: 0, retryable: true });
      expect(error.message).toContain('adaptive throttling refused the attempt');
    }
    expect(shedding.circuitState).toBe('closed');
    expect(events.map((event) => [event.decision, event.reason])).toEqual(Array.from({ length: 8 }, () => ['throttled', 'adaptive']));
  });

  it('leaves shedding (429, 503) to the throttle: the breaker never opens on them, but still on 500s and resets', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.999); // the throttle lets (almost) everything through: the breaker alone decides
    let status = 503;
    upstream.handle((_req, res) => {
      res.statusCode = status;
      res.end();
    });
    const shedding = client({ retry: false, circuitBreaker: { consecutiveFailures: 3 } });
    for (let i = 0; i < 8; i++) await rejection(shedding.get('busy'));
    expect(upstream.requests).toHaveLength(8);
    expect(shedding.circuitState).toBe('closed');

    status = 500;
    for (let i = 0; i < 3; i++) await rejection(shedding.get('broken'));
    expect(shedding.circuitState).toBe('open');

    const plain = createClient(upstream.url, { name: 'plain', logger: false, retry: false, circuitBreaker: { consecutiveFailures: 3 } });
    status = 503;
    for (let i = 0; i < 3; i++) await rejection(plain.get('busy'));
    expect(plain.circuitState).toBe('open'); // without adaptive throttling a 503 is a failure, as before
  });

  it('counts a refused attempt against maxAttempts: the last one refused fails the call with reason adaptive', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.5);
    upstream.handle((_req, res) => {
      res.statusCode = 503;
      res.end();
    });
    const shedding = client({ retry: { maxAttempts: 3, initialDelay: 1 }, circuitBreaker: false });
    const error = await rejection(shedding.get('busy'));
    expect(upstream.requests).toHaveLength(2);
    expect(error).toBeInstanceOf(UpstreamThrottledError);
    expect(error).toMatchObject({ reason: 'adaptive', attempts: 2 });
  });
});
