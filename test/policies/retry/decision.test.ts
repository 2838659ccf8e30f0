// Internals: the retry rules, one failure kind at a time, without a server; some kinds cannot be provoked on demand.
import { computeBackoffDelay } from 'resilient-http';
import { seededRandom } from 'resilient-http/testing';
import { describe, expect, it } from 'vitest';

import type { AttemptFailure } from '../../../src/errors/attempt-failure.js';
import { decideRetry } from '../../../src/policies/retry/decision.js';
import type { ResolvedRetry } from '../../../src/policies/retry/options.js';
import type { RetryQuestion } from '../../../src/policies/retry/decision.js';

const JUST_BELOW_ONE = 1 - Number.EPSILON;

describe('computeBackoffDelay', () => {
  it('stays within [0, ceiling) for any random number (full jitter)', () => {
    const random = seededRandom(7);
    for (let retry = 1; retry <= 8; retry++) {
      const ceiling = Math.min(3_000, 100 * 2 ** (retry - 1));
      for (let i = 0; i < 200; i++) {
        const delay = computeBackoffDelay(retry, 100, 3_000, random());
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThan(ceiling);
        expect(Number.isInteger(delay)).toBe(true);
      }
    }
  });

  it('gives 0 when the random number is 0', () => {
    expect(computeBackoffDelay(1, 200, 5_000, 0)).toBe(0);
    expect(computeBackoffDelay(6, 200, 5_000, 0)).toBe(0);
  });

  it('doubles the ceiling on each retry: 100, 200, 400, 800 ms', () => {
    expect([1, 2, 3, 4].map((retry) => computeBackoffDelay(retry, 100, 10_000, JUST_BELOW_ONE))).toEqual([99, 199, 399, 799]);
    expect([1, 2, 3].map((retry) => computeBackoffDelay(retry, 100, 10_000, 0.5))).toEqual([50, 100, 200]);
  });

  it('caps the ceiling at maxDelay', () => {
    expect(computeBackoffDelay(5, 200, 1_000, JUST_BELOW_ONE)).toBe(999);
    expect(computeBackoffDelay(5, 200, 1_000, 0.5)).toBe(500);
  });

  it('stays finite for very large retry numbers and treats retry 0 as the first', () => {
    expect(computeBackoffDelay(10_000, 200, 5_000, JUST_BELOW_ONE)).toBe(4_999);
    expect(computeBackoffDelay(0, 200, 5_000, 0.5)).toBe(100);
  });

  it('gives 0 when both delays are 0', () => {
    expect(computeBackoffDelay(3, 0, 0, JUST_BELOW_ONE)).toBe(0);
  });
});

const RULES: ResolvedRetry = {
  maxAttempts: 3,
  initialDelay: 100,
  maxDelay: 1_000,
  retryOnStatus: new Set([408, 429, 500, 502, 503, 504]),
  methods: new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']),
  maxRetryAfter: 10_000,
};

function status(code: number, retryAfterMs?: number): AttemptFailure {
  return { kind: 'status', status: code, statusText: '', body: undefined, problem: undefined, retryAfterMs };
}

function network(systemCode: string | undefined): AttemptFailure {
  return { kind: 'network', systemCode, cause: undefined };
}

function ask(failure: AttemptFailure, overrides: Partial<RetryQuestion> = {}): ReturnType<typeof decideRetry> {
  return decideRetry({ failure, attempt: 1, retry: RULES, idempotent: true, remainingMs: 60_000, random: 0.5, ...overrides });
}

describe('decideRetry', () => {
  it.each([408, 429, 500, 502, 503, 504])('retries a %i of an idempotent request after the backoff delay', (code) => {
    expect(ask(status(code))).toEqual({ retry: true, delayMs: 50, reason: `status ${code}`, fromRetryAfter: false });
  });

  it.each([400, 401, 403, 404, 409, 422, 501])('never retries a %i', (code) => {
    expect(ask(status(code))).toEqual({ retry: false, reason: `status ${code} is not retried` });
  });

  it('uses the backoff of the attempt that failed: the second retry waits up to twice as long', () => {
    expect(ask(status(503), { attempt: 2, random: 0.5 })).toMatchObject({ retry: true, delayMs: 100 });
  });

  it('retries network errors and attempt timeouts of idempotent requests', () => {
    expect(ask(network('ECONNRESET'))).toMatchObject({ retry: true, reason: 'ECONNRESET' });
    expect(ask(network(undefined))).toMatchObject({ retry: true, reason: 'network error' });
    expect(ask({ kind: 'timeout', timeoutKind: 'attempt', timeoutMs: 50, cause: undefined })).toMatchObject({
      retry: true,
      reason: 'attempt timeout',
    });
  });

  it('does not retry a non-idempotent request that failed after it may have been sent', () => {
    expect(ask(status(503), { idempotent: false }).retry).toBe(false);
    expect(ask(network('ECONNRESET'), { idempotent: false }).retry).toBe(false);
    expect(ask({ kind: 'timeout', timeoutKind: 'attempt', timeoutMs: 50, cause: undefined }, { idempotent: false }).retry).toBe(false);
  });

  it('retries a refused connection for any method: nothing was sent', () => {
    expect(ask(network('ECONNREFUSED'), { idempotent: false })).toMatchObject({ retry: true, reason: 'ECONNREFUSED' });
  });

  it.each<[string, AttemptFailure]>([
    ['a total timeout', { kind: 'timeout', timeoutKind: 'total', timeoutMs: 100, cause: undefined }],
    ['a cancellation', { kind: 'aborted', cause: undefined }],
    ['an invalid response', { kind: 'invalid-response', status: 200, body: '{', cause: undefined }],
    ['an open circuit', { kind: 'circuit-open', cause: undefined }],
    ['a full bulkhead', { kind: 'concurrency-limit', cause: undefined }],
  ])('never retries %s', (_what, failure) => {
    expect(ask(failure).retry).toBe(false);
  });

  it('stops after maxAttempts attempts', () => {
    expect(ask(status(503), { attempt: 2 }).retry).toBe(true);
    expect(ask(status(503), { attempt: 3 })).toEqual({ retry: false, reason: 'status 503 after the last of 3 attempts' });
    expect(ask(network('ECONNREFUSED'), { attempt: 3, idempotent: false }).retry).toBe(false);
  });

  it('waits what Retry-After says instead of the backoff', () => {
    expect(ask(status(429, 4_000))).toEqual({ retry: true, delayMs: 4_000, reason: 'status 429', fromRetryAfter: true });
    expect(ask(status(503, 0))).toEqual({ retry: true, delayMs: 0, reason: 'status 503', fromRetryAfter: true });
  });

  it('honours a Retry-After equal to maxRetryAfter, and fails at once beyond it', () => {
    expect(ask(status(429, 10_000))).toMatchObject({ retry: true, delayMs: 10_000 });
    const answer = ask(status(429, 10_001));
    expect(answer).toEqual({ retry: false, reason: 'Retry-After of 10001 ms exceeds maxRetryAfter (10000 ms)' });
  });

  it('does not start a wait that would pass the total deadline', () => {
    expect(ask(status(429, 4_000), { remainingMs: 4_000 })).toEqual({
      retry: false,
      reason: 'a wait of 4000 ms would pass the total timeout (4000 ms left)',
    });
    expect(ask(status(429, 4_000), { remainingMs: 4_001 }).retry).toBe(true);
    expect(ask(status(503), { remainingMs: 50, random: 0.5 }).retry).toBe(false);
    expect(ask(status(503), { remainingMs: 51, random: 0.5 }).retry).toBe(true);
    expect(ask(status(503), { remainingMs: -5 })).toMatchObject({ retry: false, reason: expect.stringContaining('(0 ms left)') });
  });

  it('respects per-call rules: a custom retryOnStatus and methods', () => {
    const rules: ResolvedRetry = { ...RULES, retryOnStatus: new Set([409]) };
    expect(ask(status(409), { retry: rules }).retry).toBe(true);
    expect(ask(status(503), { retry: rules }).retry).toBe(false);
  });
});
