import type { AttemptFailure } from './attempt-failure.js';
import { upstreamErrorClassForStatus, upstreamErrorFromStatus } from './from-status.js';
import { UpstreamError } from './upstream-error.js';
import type { UpstreamErrorDefaults, UpstreamErrorInit } from './upstream-error.js';
import { UpstreamAbortedError } from './upstream-aborted-error.js';
import { UpstreamCircuitOpenError } from './upstream-circuit-open-error.js';
import { UpstreamConcurrencyLimitError } from './upstream-concurrency-limit-error.js';
import { UpstreamInvalidResponseError } from './upstream-invalid-response-error.js';
import { UpstreamNetworkError } from './upstream-network-error.js';
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

/** An upstream error class, with the defaults it declares. */
type UpstreamErrorClass = (new (init: UpstreamErrorInit) => UpstreamError) & { readonly defaults: UpstreamErrorDefaults };

/** The class of each kind of failure but an answered status (which has its own table, by status). */
const CLASS_OF: { readonly [K in Exclude<AttemptFailure['kind'], 'status'>]: UpstreamErrorClass } = {
  network: UpstreamNetworkError,
  timeout: UpstreamTimeoutError,
  aborted: UpstreamAbortedError,
  'invalid-response': UpstreamInvalidResponseError,
  'circuit-open': UpstreamCircuitOpenError,
  'concurrency-limit': UpstreamConcurrencyLimitError,
  throttled: UpstreamThrottledError,
  unexpected: UpstreamError,
};

/**
 * The `code` the error for `failure` carries, read from its class's defaults
 * without building the error: what metrics and spans label a failed attempt with.
 */
export function errorCodeOf(failure: AttemptFailure): string {
  const ErrorClass = failure.kind === 'status' ? upstreamErrorClassForStatus(failure.status) : CLASS_OF[failure.kind];
  return ErrorClass.defaults.code;
}

/**
 * The one place where a failure becomes a typed error: statuses by their
 * table, every other kind by {@link CLASS_OF}, each with the fields of its kind.
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
  return new CLASS_OF[failure.kind]({ ...facts, ...fieldsOf(failure) });
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
      return { upstreamStatus: failure.status, responseBody: failure.excerpt, issues: failure.issues, cause: failure.cause };
    case 'circuit-open':
    case 'concurrency-limit':
      return { cause: failure.cause };
    case 'throttled':
      return { throttleReason: failure.reason, retryAfterMs: failure.retryAfterMs };
    case 'unexpected':
      return {
        detail: `call failed unexpectedly: ${failure.cause instanceof Error ? failure.cause.message : String(failure.cause)}`,
        cause: failure.cause,
      };
  }
}
