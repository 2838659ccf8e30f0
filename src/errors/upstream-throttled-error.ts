import type { UpstreamErrorInit } from './upstream-error.js';
import { UpstreamError, errorDefaults } from './upstream-error.js';

/** Which local limit refused a call: see {@link UpstreamThrottledError.reason}. */
export type ThrottleReason = 'adaptive' | 'rate-limit' | 'retry-after';

/** What an {@link UpstreamThrottledError} is built from: the shared fields and which limit refused the call. */
export interface UpstreamThrottledErrorInit extends UpstreamErrorInit {
  /** Which local limit refused the call; becomes {@link UpstreamThrottledError.reason}. @default 'adaptive' */
  throttleReason?: ThrottleReason | undefined;
}

const DESCRIPTIONS: { readonly [K in ThrottleReason]: string } = {
  adaptive: 'was not called: adaptive throttling refused the attempt while the upstream rejects much of its traffic',
  'rate-limit': 'was not called: no rate-limit slot is free within the time left',
  'retry-after': "was not called: the upstream's Retry-After pause outlasts the time left",
};

/**
 * The client refused to send an attempt to protect an overloaded upstream:
 * nothing was sent for it. Code `UPSTREAM_THROTTLED`, 503. `reason` says
 * which limit refused it: `adaptive` (adaptive throttling, after the last
 * attempt allowed), `rate-limit` (no slot of `rateLimit` free within the
 * call's time left) or `retry-after` (a client-wide pause after the
 * upstream's `Retry-After` outlasts the call's time left). `retryAfterMs`,
 * when set, is how long until the limit would have let an attempt through.
 *
 * @example
 * ```ts
 * try {
 *   await partner.get('quota/limited');
 * } catch (error) {
 *   if (error instanceof UpstreamThrottledError && error.reason === 'rate-limit') {
 *     // answer 503 with Retry-After: errorHandler() does this from error.retryAfterMs
 *   }
 *   throw error;
 * }
 * ```
 */
export class UpstreamThrottledError extends UpstreamError {
  /** @inheritDoc */
  declare readonly code: typeof UpstreamThrottledError.defaults.code;
  /** @inheritDoc */
  static override readonly defaults = errorDefaults({ code: 'UPSTREAM_THROTTLED', statusCode: 503, retryable: true });
  /** Which local limit refused the call. `adaptive` when built without one. */
  readonly reason: ThrottleReason;

  /** @param init - What is known about the failure; `throttleReason` sets {@link UpstreamThrottledError.reason}. */
  constructor(init: UpstreamThrottledErrorInit) {
    super(init);
    this.reason = init.throttleReason ?? 'adaptive';
  }

  /** "was not called: no rate-limit slot is free within the time left", by reason. */
  static override describe(init: UpstreamThrottledErrorInit): string {
    return DESCRIPTIONS[init.throttleReason ?? 'adaptive'];
  }

  /** @inheritDoc */
  override get publicMessage(): string {
    return `The upstream service "${this.service}" is overloaded`;
  }

  /** @inheritDoc */
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), reason: this.reason };
  }
}
