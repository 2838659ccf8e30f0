import { UpstreamError, errorDefaults } from './upstream-error.js';

/**
 * The caller cancelled the call (its `signal`, or the request context's,
 * aborted). Never retried. Code `UPSTREAM_ABORTED`, 499. A signal that
 * aborts with a `TimeoutError` reason (`AbortSignal.timeout(ms)`) gives an
 * `UpstreamTimeoutError` (`timeoutKind: 'signal'`) instead.
 */
export class UpstreamAbortedError extends UpstreamError {
  /** @inheritDoc */
  declare readonly code: typeof UpstreamAbortedError.defaults.code;
  /** @inheritDoc */
  static override readonly defaults = errorDefaults({ code: 'UPSTREAM_ABORTED', statusCode: 499, retryable: false });

  /** "call was cancelled by the caller". */
  static override describe(): string {
    return 'call was cancelled by the caller';
  }
}
