import type { AttemptFailure } from './attempt-failure.js';
import { upstreamErrorFromStatus } from './from-status.js';
import { UpstreamError } from './upstream-error.js';
import type { UpstreamErrorInit } from './upstream-error.js';
import { UpstreamAbortedError } from './upstream-aborted-error.js';
import { UpstreamCircuitOpenError } from './upstream-circuit-open-error.js';
import { UpstreamConcurrencyLimitError } from './upstream-concurrency-limit-error.js';
import { UpstreamInvalidResponseError } from './upstream-invalid-response-error.js';
import { UpstreamNetworkError } from './upstream-network-error.js';
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

/**
 * The one place where a failure becomes a typed error: statuses by the
 * table, network failures, timeouts, cancellations, bad bodies, an open
 * circuit and a full bulkhead each to their class.
 */
export function toUpstreamError(failure: AttemptFailure, facts: CallFacts): UpstreamError {
  const init: UpstreamErrorInit = { ...facts };
  switch (failure.kind) {
    case 'status':
      return upstreamErrorFromStatus({
        ...init,
        upstreamStatus: failure.status,
        upstreamStatusText: failure.statusText,
        responseBody: failure.excerpt,
        problem: failure.problem,
        retryAfterMs: failure.retryAfterMs,
      });
    case 'network':
      return new UpstreamNetworkError({ ...init, systemCode: failure.systemCode, cause: failure.cause });
    case 'timeout':
      return new UpstreamTimeoutError({ ...init, timeoutKind: failure.scope, timeoutMs: failure.timeoutMs });
    case 'aborted':
      return new UpstreamAbortedError({ ...init, retryable: false, cause: failure.cause });
    case 'invalid-response':
      return new UpstreamInvalidResponseError({
        ...init,
        upstreamStatus: failure.status,
        responseBody: failure.excerpt,
        issues: failure.issues,
        cause: failure.cause,
      });
    case 'circuit-open':
      return new UpstreamCircuitOpenError({ ...init, cause: failure.cause });
    case 'concurrency-limit':
      return new UpstreamConcurrencyLimitError({ ...init, cause: failure.cause });
    case 'unexpected':
      return new UpstreamError({
        ...init,
        detail: `call failed unexpectedly: ${failure.cause instanceof Error ? failure.cause.message : String(failure.cause)}`,
        cause: failure.cause,
      });
  }
}
