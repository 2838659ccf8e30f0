import { UpstreamError, errorDefaults } from './upstream-error.js';

/**
 * The client's bulkhead is full: too many requests in flight and queued.
 * Code `UPSTREAM_CONCURRENCY_LIMIT`, 503.
 */
export class UpstreamConcurrencyLimitError extends UpstreamError {
  /** @inheritDoc */
  declare readonly code: typeof UpstreamConcurrencyLimitError.defaults.code;
  /** @inheritDoc */
  static override readonly defaults = errorDefaults({
    code: 'UPSTREAM_CONCURRENCY_LIMIT',
    statusCode: 503,
    retryable: true,
  });

  /** "was not called: the concurrency limit and its queue are full". */
  static override describe(): string {
    return 'was not called: the concurrency limit and its queue are full';
  }

  /** @inheritDoc */
  override get publicMessage(): string {
    return `The upstream service "${this.service}" is overloaded`;
  }
}
