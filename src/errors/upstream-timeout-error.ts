import type { UpstreamErrorDefaults, UpstreamErrorInit } from './upstream-error.js';
import { UpstreamError } from './upstream-error.js';

/**
 * An attempt, the whole call, or the request context's deadline ran out of
 * time. Code `UPSTREAM_TIMEOUT`, 504. `timeoutKind` says which timeout fired
 * and `timeoutMs` its length.
 */
export class UpstreamTimeoutError extends UpstreamError {
  /** @inheritDoc */
  declare readonly code: 'UPSTREAM_TIMEOUT';
  /** @inheritDoc */
  static override readonly defaults: UpstreamErrorDefaults = { code: 'UPSTREAM_TIMEOUT', statusCode: 504, retryable: true };
  /** Which timeout fired: one attempt's, the whole call's, the request context's deadline, or the wait for a streamed body's next chunk (`idle`). `total` when built without one. */
  readonly timeoutKind: 'attempt' | 'total' | 'deadline' | 'idle';
  /** The timeout that fired, in milliseconds; 0 when built without one. */
  readonly timeoutMs: number;

  /** @param init - What is known about the failure. */
  constructor(init: UpstreamErrorInit) {
    super(init);
    this.timeoutKind = init.timeoutKind ?? 'total';
    this.timeoutMs = init.timeoutMs ?? 0;
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
