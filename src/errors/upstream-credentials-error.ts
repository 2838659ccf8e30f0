import type { UpstreamErrorInit } from './upstream-error.js';
import { redactText } from '../logging/redact.js';
import { UpstreamError, errorDefaults } from './upstream-error.js';

/**
 * The client's `auth.token` provider threw or rejected (or gave something that
 * is not a token), so the attempt was not sent. Never retried, not counted by
 * the circuit breaker; `cause` is the provider's error, described redacted by
 * `toJSON()`. Code `UPSTREAM_CREDENTIALS_FAILED`, 502.
 */
export class UpstreamCredentialsError extends UpstreamError {
  /** @inheritDoc */
  declare readonly code: typeof UpstreamCredentialsError.defaults.code;
  /** @inheritDoc */
  static override readonly defaults = errorDefaults({
    code: 'UPSTREAM_CREDENTIALS_FAILED',
    statusCode: 502,
    retryable: false,
  });

  /** "was not called: getting its credentials failed: <the cause's message>" (no "token" word: it reads as a Bearer token to the redaction). */
  static override describe(init: UpstreamErrorInit): string {
    const cause = init.cause;
    const reason = cause instanceof Error ? cause.message : typeof cause === 'string' ? cause : '';
    // Redacted before it is cut: a token the cut would shorten past recognition goes whole.
    return `was not called: getting its credentials failed${reason === '' ? '' : `: ${redactText(reason).slice(0, 200)}`}`;
  }
}
