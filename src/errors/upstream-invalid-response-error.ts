import type { UpstreamErrorDefaults, UpstreamErrorInit } from './upstream-error.js';
import { UpstreamError } from './upstream-error.js';

/**
 * The upstream answered with a body that does not match what it claimed
 * (JSON that does not parse). Code `UPSTREAM_INVALID_RESPONSE`, 502.
 */
export class UpstreamInvalidResponseError extends UpstreamError {
  /** @inheritDoc */
  static override readonly defaults: UpstreamErrorDefaults = {
    code: 'UPSTREAM_INVALID_RESPONSE',
    statusCode: 502,
    retryable: false,
  };

  /** "answered 200 with a body that is not valid JSON". */
  static override describe(init: UpstreamErrorInit): string {
    return `answered ${init.upstreamStatus ?? ''} with a body that is not valid JSON`.replace('  ', ' ');
  }
}
