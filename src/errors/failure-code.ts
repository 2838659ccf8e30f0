import type { AttemptFailure } from './attempt-failure.js';
import { upstreamErrorClassForStatus } from './from-status.js';
import { UpstreamAbortedError } from './upstream-aborted-error.js';
import { UpstreamCircuitOpenError } from './upstream-circuit-open-error.js';
import { UpstreamConcurrencyLimitError } from './upstream-concurrency-limit-error.js';
import { UpstreamError } from './upstream-error.js';
import { UpstreamInvalidResponseError } from './upstream-invalid-response-error.js';
import { UpstreamNetworkError } from './upstream-network-error.js';
import { UpstreamTimeoutError } from './upstream-timeout-error.js';

/**
 * The `code` the error for `failure` would carry, read from the classes'
 * defaults without building the error: what metrics and spans label a failed
 * attempt with. Agrees with `toUpstreamError(failure, …).code` for every kind.
 */
export function errorCodeOf(failure: AttemptFailure): string {
  switch (failure.kind) {
    case 'status':
      return upstreamErrorClassForStatus(failure.status).defaults.code;
    case 'network':
      return UpstreamNetworkError.defaults.code;
    case 'timeout':
      return UpstreamTimeoutError.defaults.code;
    case 'aborted':
      return UpstreamAbortedError.defaults.code;
    case 'invalid-response':
      return UpstreamInvalidResponseError.defaults.code;
    case 'circuit-open':
      return UpstreamCircuitOpenError.defaults.code;
    case 'concurrency-limit':
      return UpstreamConcurrencyLimitError.defaults.code;
    case 'unexpected':
      return UpstreamError.defaults.code;
  }
}
