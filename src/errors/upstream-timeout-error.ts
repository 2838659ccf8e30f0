import type { UpstreamErrorDefaults, UpstreamErrorInit } from './upstream-error.js';
import { UpstreamError } from './upstream-error.js';

/**
 * An attempt, or the whole call, ran out of time. Code `UPSTREAM_TIMEOUT`, 504.
 * `timeoutKind` says which timeout fired and `timeoutMs` its length.
 */
export class UpstreamTimeoutError extends UpstreamError {
  /** @inheritDoc */
  static override readonly defaults: UpstreamErrorDefaults = { code: 'UPSTREAM_TIMEOUT', statusCode: 504, retryable: true };
  /** Which timeout fired: one attempt's, the whole call's, or the request context's deadline. */
  readonly timeoutKind: 'attempt' | 'total' | 'deadline' | undefined;
  /** The timeout that fired, in milliseconds. */
  readonly timeoutMs: number | undefined;

  /** @param init - What is known about the failure. */
  constructor(init: UpstreamErrorInit) {
    super(init);
    this.timeoutKind = init.timeoutKind;
    this.timeoutMs = init.timeoutMs;
  }

  /** "did not answer within 100 ms (attempt timeout)". */
  static override describe(init: UpstreamErrorInit): string {
    const within = init.timeoutMs === undefined ? 'in time' : `within ${init.timeoutMs} ms`;
    return `did not answer ${within}${init.timeoutKind ? ` (${init.timeoutKind} timeout)` : ''}`;
  }

  /** @inheritDoc */
  override get publicMessage(): string {
    return `The upstream service "${this.service}" did not answer in time`;
  }

  /** @inheritDoc */
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), timeoutKind: this.timeoutKind, timeoutMs: this.timeoutMs };
  }
}
