import type { TimeoutKind, UpstreamErrorInit } from './upstream-error.js';
import { UpstreamError, errorDefaults } from './upstream-error.js';

/** What an {@link UpstreamTimeoutError} is built from: the shared fields and which timeout fired. */
export interface UpstreamTimeoutErrorInit extends UpstreamErrorInit {
  /** Which timeout fired. @default 'total' */
  timeoutKind?: TimeoutKind | undefined;
  /** The timeout that fired, in milliseconds (for `signal`, how long the call had run). @default 0 */
  timeoutMs?: number | undefined;
}

/**
 * An attempt, the whole call, or the request context's deadline ran out of
 * time, or the caller's signal timed out. Code `UPSTREAM_TIMEOUT`, 504.
 * `timeoutKind` says which timeout fired and `timeoutMs` its length.
 *
 * A caller's `signal` (or the request context's) that aborts with a
 * `TimeoutError` reason, as `AbortSignal.timeout(ms)` does, is a timeout, not
 * a cancellation: `timeoutKind: 'signal'`, never retried, and `timeoutMs` the
 * time the call had run when it fired (the signal's own length is not
 * visible). Any other abort reason is an `UpstreamAbortedError` (499).
 *
 * @example
 * ```ts
 * await billing.get('invoices/7', { signal: AbortSignal.timeout(100) });
 * // rejects: UpstreamTimeoutError { timeoutKind: 'signal', statusCode: 504 }
 * ```
 */
export class UpstreamTimeoutError extends UpstreamError {
  /** @inheritDoc */
  declare readonly code: typeof UpstreamTimeoutError.defaults.code;
  /** @inheritDoc */
  static override readonly defaults = errorDefaults({ code: 'UPSTREAM_TIMEOUT', statusCode: 504, retryable: true });
  /**
   * Which timeout fired: one attempt's, the whole call's, the request context's deadline, the caller's
   * signal, or a streamed body's wait for its next chunk (see {@link TimeoutKind}). `total` when built without one.
   */
  readonly timeoutKind: TimeoutKind;
  /** The timeout that fired, in milliseconds (for `signal`, how long the call had run); 0 when built without one. */
  readonly timeoutMs: number;

  /** @param init - What is known about the failure. */
  constructor(init: UpstreamTimeoutErrorInit) {
    super(init);
    this.timeoutKind = init.timeoutKind ?? 'total';
    this.timeoutMs = init.timeoutMs ?? 0;
  }

  /** "did not answer within 100 ms (attempt timeout)"; "did not answer before the caller's signal timed out, after 100 ms". */
  static override describe(init: UpstreamTimeoutErrorInit): string {
    if (init.timeoutKind === 'signal') return `did not answer before the caller's signal timed out, after ${String(init.timeoutMs ?? 0)} ms`;
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
