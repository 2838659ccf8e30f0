import { UpstreamError, errorDefaults } from './upstream-error.js';

/**
 * The circuit breaker is open: the upstream failed repeatedly and no request
 * was sent. Code `UPSTREAM_CIRCUIT_OPEN`, 503.
 */
export class UpstreamCircuitOpenError extends UpstreamError {
  /** @inheritDoc */
  declare readonly code: typeof UpstreamCircuitOpenError.defaults.code;
  /** @inheritDoc */
  static override readonly defaults = errorDefaults({
    code: 'UPSTREAM_CIRCUIT_OPEN',
    statusCode: 503,
    retryable: true,
  });

  /** "was not called: its circuit breaker is open after repeated failures". */
  static override describe(): string {
    return 'was not called: its circuit breaker is open after repeated failures';
  }

  /** @inheritDoc */
  override get publicMessage(): string {
    return `The upstream service "${this.service}" is unavailable`;
  }
}
