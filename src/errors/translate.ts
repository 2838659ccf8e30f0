import type { AttemptFailure } from './attempt-failure.js';
import { upstreamErrorClassForStatus, upstreamErrorFromStatus } from './from-status.js';
import { UpstreamError } from './upstream-error.js';
import type { UpstreamErrorDefaults } from './upstream-error.js';
import { UpstreamAbortedError } from './upstream-aborted-error.js';
import { UpstreamCircuitOpenError } from './upstream-circuit-open-error.js';
import { UpstreamConcurrencyLimitError } from './upstream-concurrency-limit-error.js';
import { UpstreamCredentialsError } from './upstream-credentials-error.js';
import { UpstreamInvalidResponseError } from './upstream-invalid-response-error.js';
import { UpstreamNetworkError } from './upstream-network-error.js';
import { UpstreamResponseTooLargeError } from './upstream-response-too-large-error.js';
import { UpstreamThrottledError } from './upstream-throttled-error.js';
import { UpstreamTimeoutError } from './upstream-timeout-error.js';

/** The call-level facts every translated error carries. */
export interface CallFacts {
  service: string;
  method: string;
  url: string;
  requestId: string;
  attempts: number;
  durationMs: number;
  /** Whether the client's rules would retry this kind of failure. */
  retryable: boolean;
  budgetExhausted?: boolean;
}

/** The class of each kind of failure but an answered status (which has its own table, by status), for its code. */
const CLASS_OF: { readonly [K in Exclude<AttemptFailure['kind'], 'status'>]: { readonly defaults: UpstreamErrorDefaults } } = {
  network: UpstreamNetworkError,
  timeout: UpstreamTimeoutError,
  aborted: UpstreamAbortedError,
  'invalid-response': UpstreamInvalidResponseError,
  'too-large': UpstreamResponseTooLargeError,
  'circuit-open': UpstreamCircuitOpenError,
  'concurrency-limit': UpstreamConcurrencyLimitError,
  credentials: UpstreamCredentialsError,
  throttled: UpstreamThrottledError,
  unexpected: UpstreamError,
};

/**
 * The `code` the error for `failure` carries, read from its class's defaults
 * without building the error: what metrics and spans label a failed attempt with.
 */
export function errorCodeOf(failure: AttemptFailure): string {
  if (isSignalTimeout(failure)) return UpstreamTimeoutError.defaults.code;
  const ErrorClass = failure.kind === 'status' ? upstreamErrorClassForStatus(failure.status) : CLASS_OF[failure.kind];
  return ErrorClass.defaults.code;
}

/**
 * The one place where a failure becomes a typed error: statuses by their
 * table, a signal's timeout as a timeout, every other kind by its class, each
 * built from the fields that class takes.
 */
export function toUpstreamError(failure: AttemptFailure, facts: CallFacts): UpstreamError {
  switch (failure.kind) {
    case 'status':
      return upstreamErrorFromStatus({
        ...facts,
        upstreamStatus: failure.status,
        upstreamStatusText: failure.statusText,
        responseBody: failure.body,
        problem: failure.problem,
        retryAfterMs: failure.retryAfterMs,
      });
    case 'network': {
      const init = { ...facts, systemCode: failure.systemCode, cause: failure.cause };
      return new UpstreamNetworkError(failure.afterStatus === undefined ? init : { ...init, detail: UpstreamNetworkError.cutBody(init, failure.afterStatus) });
    }
    case 'timeout':
      return new UpstreamTimeoutError({ ...facts, timeoutKind: failure.timeoutKind, timeoutMs: failure.timeoutMs });
    case 'aborted':
      // A caller's limit, not a cancellation: a 504 for this service's caller, still never retried.
      return isSignalTimeout(failure)
        ? new UpstreamTimeoutError({ ...facts, retryable: false, timeoutKind: 'signal', timeoutMs: Math.floor(facts.durationMs), cause: failure.cause })
        : new UpstreamAbortedError({ ...facts, retryable: false, cause: failure.cause });
    case 'invalid-response':
      return new UpstreamInvalidResponseError({
        ...facts,
        upstreamStatus: failure.status,
        responseBody: failure.body,
        issues: failure.issues,
        detail: failure.detail === undefined ? undefined : `answered ${failure.status} ${failure.detail}`,
        cause: failure.cause,
      });
    case 'too-large':
      return new UpstreamResponseTooLargeError({
        ...facts,
        upstreamStatus: failure.status,
        limit: failure.limit,
        receivedBytes: failure.receivedBytes,
        declaredBytes: failure.declaredBytes,
      });
    case 'circuit-open':
      return new UpstreamCircuitOpenError({ ...facts, cause: failure.cause });
    case 'concurrency-limit':
      return new UpstreamConcurrencyLimitError({ ...facts, cause: failure.cause });
    case 'credentials':
      return new UpstreamCredentialsError({ ...facts, cause: failure.cause });
    case 'throttled':
      return new UpstreamThrottledError({ ...facts, throttleReason: failure.reason, retryAfterMs: failure.retryAfterMs });
    case 'unexpected': {
      const message = failure.cause instanceof Error ? failure.cause.message : String(failure.cause);
      return new UpstreamError({ ...facts, detail: `${failure.detail ?? 'call failed unexpectedly'}: ${message}`, cause: failure.cause });
    }
  }
}

/**
 * A call cancelled by a signal whose reason is a `TimeoutError` (what
 * `AbortSignal.timeout(ms)` aborts with, alone or through `AbortSignal.any`):
 * the caller's or the request context's timeout.
 */
function isSignalTimeout(failure: AttemptFailure): boolean {
  if (failure.kind !== 'aborted') return false;
  const reason = failure.cause;
  return typeof reason === 'object' && reason !== null && (reason as { name?: unknown }).name === 'TimeoutError';
}
