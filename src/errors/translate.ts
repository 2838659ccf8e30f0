import type { AttemptFailure } from './attempt-failure.js';
import { upstreamErrorClassForStatus, upstreamErrorFromStatus } from './from-status.js';
import { UpstreamError } from './upstream-error.js';
import type { UpstreamErrorDefaults, UpstreamErrorInit } from './upstream-error.js';
import { UpstreamAbortedError } from './upstream-aborted-error.js';
import { UpstreamCircuitOpenError } from './upstream-circuit-open-error.js';
import { UpstreamConcurrencyLimitError } from './upstream-concurrency-limit-error.js';
import { UpstreamInvalidResponseError } from './upstream-invalid-response-error.js';
import { UpstreamNetworkError } from './upstream-network-error.js';
import { UpstreamResponseTooLargeError } from './upstream-response-too-large-error.js';
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

/** An upstream error class, with the defaults it declares. */
type UpstreamErrorClass = (new (init: UpstreamErrorInit) => UpstreamError) & { readonly defaults: UpstreamErrorDefaults };

/** The class of each kind of failure but an answered status (which has its own table, by status). */
const CLASS_OF: { readonly [K in Exclude<AttemptFailure['kind'], 'status'>]: UpstreamErrorClass } = {
  network: UpstreamNetworkError,
  timeout: UpstreamTimeoutError,
  aborted: UpstreamAbortedError,
  'invalid-response': UpstreamInvalidResponseError,
  'too-large': UpstreamResponseTooLargeError,
  'circuit-open': UpstreamCircuitOpenError,
  'concurrency-limit': UpstreamConcurrencyLimitError,
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
 * table, a signal's timeout as a timeout, every other kind by
 * {@link CLASS_OF}, each with the fields of its kind.
 */
export function toUpstreamError(failure: AttemptFailure, facts: CallFacts): UpstreamError {
  if (failure.kind === 'status') {
    return upstreamErrorFromStatus({
      ...facts,
      upstreamStatus: failure.status,
      upstreamStatusText: failure.statusText,
      responseBody: failure.excerpt,
      problem: failure.problem,
      retryAfterMs: failure.retryAfterMs,
    });
  }
  if (isSignalTimeout(failure)) {
    // A caller's limit, not a cancellation: a 504 for this service's caller, still never retried.
    return new UpstreamTimeoutError({ ...facts, retryable: false, timeoutKind: 'signal', timeoutMs: Math.floor(facts.durationMs), cause: failure.cause });
  }
  return new CLASS_OF[failure.kind]({ ...facts, ...fieldsOf(failure) });
}

/**
 * A call cancelled by a signal whose reason is a `TimeoutError` (what
 * `AbortSignal.timeout(ms)` aborts with, alone or through `AbortSignal.any`):
 * the caller's or the request context's timeout.
 */
function isSignalTimeout(failure: AttemptFailure): failure is { kind: 'aborted'; cause: unknown } {
  if (failure.kind !== 'aborted') return false;
  const reason = failure.cause;
  return typeof reason === 'object' && reason !== null && (reason as { name?: unknown }).name === 'TimeoutError';
}

/** What a failure of each kind adds to the call's facts. */
function fieldsOf(failure: Exclude<AttemptFailure, { kind: 'status' }>): Partial<UpstreamErrorInit> {
  switch (failure.kind) {
    case 'network':
      return { systemCode: failure.systemCode, cause: failure.cause };
    case 'timeout':
      return { timeoutKind: failure.scope, timeoutMs: failure.timeoutMs };
    case 'aborted':
      return { retryable: false, cause: failure.cause };
    case 'invalid-response':
      return {
        upstreamStatus: failure.status,
        responseBody: failure.excerpt,
        issues: failure.issues,
        detail: failure.detail === undefined ? undefined : `answered ${failure.status} ${failure.detail}`,
        cause: failure.cause,
      };
    case 'too-large':
      return { upstreamStatus: failure.status, limit: failure.limit, receivedBytes: failure.receivedBytes, declaredBytes: failure.declaredBytes };
    case 'circuit-open':
    case 'concurrency-limit':
      return { cause: failure.cause };
    case 'unexpected':
      return {
        detail: `call failed unexpectedly: ${failure.cause instanceof Error ? failure.cause.message : String(failure.cause)}`,
        cause: failure.cause,
      };
  }
}
