import type { AttemptFailure } from '../../errors/attempt-failure.js';
import { computeBackoffDelay } from './backoff.js';
import type { ResolvedRetry } from './options.js';

/** Everything {@link decideRetry} needs to know, as plain values. */
export interface RetryQuestion {
  /** The failure of the attempt that just ended. */
  failure: AttemptFailure;
  /** Attempts made so far (1 after the first). */
  attempt: number;
  /** The call's retry rules. */
  retry: ResolvedRetry;
  /** True for a method in `retry.methods`, or any request with an idempotency key. */
  idempotent: boolean;
  /** Time left before the total timeout, in ms. */
  remainingMs: number;
  /** A number in [0, 1) for the jitter. */
  random: number;
}

/** Retry, after `delayMs`; or stop, and why. */
export type RetryAnswer =
  | { retry: true; delayMs: number; reason: string; fromRetryAfter: boolean }
  | { retry: false; reason: string };

/** A short reason for logs: `status 503`, `ECONNREFUSED`, `attempt timeout`. */
function describeFailure(failure: AttemptFailure): string {
  switch (failure.kind) {
    case 'status':
      return `status ${failure.status}`;
    case 'network':
      return failure.systemCode ?? 'network error';
    case 'timeout':
      return `${failure.timeoutKind} timeout`;
    case 'throttled':
      return `throttled (${failure.reason})`;
    default:
      return failure.kind;
  }
}

/**
 * True when a failure is transient by nature — a later call may succeed:
 * network errors, timeouts, `retryOnStatus` answers, an open circuit, a full
 * bulkhead. This is the `retryable` field of the error; whether the client
 * itself retries also depends on the method (see {@link decideRetry}).
 */
export function isTransient(failure: AttemptFailure, retry: ResolvedRetry): boolean {
  switch (failure.kind) {
    case 'network':
    case 'timeout':
    case 'circuit-open':
    case 'concurrency-limit':
    case 'throttled':
      return true;
    case 'status':
      return retry.retryOnStatus.has(failure.status);
    default:
      return false;
  }
}

/**
 * The retry rules as one pure function. Retried: network errors, attempt
 * timeouts and `retryOnStatus` answers (never a total or deadline timeout) — for idempotent requests only, except
 * a refused connection (nothing was sent), which is retried for any method.
 * `Retry-After` replaces the backoff, capped by `maxRetryAfter`; a wait that
 * would pass the deadline is not started.
 */
export function decideRetry(question: RetryQuestion): RetryAnswer {
  const { failure, attempt, retry, idempotent, remainingMs } = question;
  const reason = describeFailure(failure);
  const transient =
    isTransient(failure, retry) &&
    (idempotent ||
      (failure.kind === 'network' && failure.systemCode === 'ECONNREFUSED') ||
      failure.kind === 'throttled') &&
    // Only adaptive throttling refuses at random: a later attempt may pass. A rate limit or a pause that outlasts the call will not.
    !(failure.kind === 'throttled' && failure.reason !== 'adaptive') &&
    // A streamed body's stall (idle) is retried by resuming it, like an attempt timeout.
    !(failure.kind === 'timeout' && failure.timeoutKind !== 'attempt' && failure.timeoutKind !== 'idle') &&
    failure.kind !== 'circuit-open' &&
    failure.kind !== 'concurrency-limit';
  if (!transient) return { retry: false, reason: `${reason} is not retried` };
  if (attempt >= retry.maxAttempts) return { retry: false, reason: `${reason} after the last of ${retry.maxAttempts} attempts` };

  const retryAfter = failure.kind === 'status' ? failure.retryAfterMs : undefined;
  if (retryAfter !== undefined && retryAfter > retry.maxRetryAfter) {
    return { retry: false, reason: `Retry-After of ${retryAfter} ms exceeds maxRetryAfter (${retry.maxRetryAfter} ms)` };
  }
  const delayMs = retryAfter ?? computeBackoffDelay(attempt, retry.initialDelay, retry.maxDelay, question.random);
  if (delayMs >= remainingMs) {
    return { retry: false, reason: `a wait of ${delayMs} ms would pass the total timeout (${Math.max(0, Math.round(remainingMs))} ms left)` };
  }
  return { retry: true, delayMs, reason, fromRetryAfter: retryAfter !== undefined };
}
