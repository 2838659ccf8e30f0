import type { AttemptFailure } from '../errors/attempt-failure.js';
import type { TimeoutKind } from '../errors/upstream-error.js';

/** The timeouts a signal of ours fires for: the error's `TimeoutKind`, less the caller's own signal. */
export type OwnTimeoutKind = Exclude<TimeoutKind, 'signal'>;

/**
 * Why a signal of ours was aborted. The client classifies a failed attempt by
 * which signal fired and with which reason — never by the error's name, which
 * ky, undici and `AbortSignal.timeout` share. A timeout's reason is named by
 * the error's own vocabulary ({@link TimeoutKind}), from the timer to the
 * `UpstreamTimeoutError`.
 */
export class AbortReason<K extends OwnTimeoutKind | 'caller' | 'hedge-lost' = OwnTimeoutKind | 'caller' | 'hedge-lost'> {
  /**
   * @param kind - What ended the attempt: one of the timeouts, the caller, or a lost hedge race.
   * @param cause - The caller's own abort reason, for `caller`.
   * @param timeoutMs - For `deadline`: the milliseconds the request context allowed the call.
   */
  constructor(
    readonly kind: K,
    readonly cause?: unknown,
    readonly timeoutMs?: number,
  ) {}
}

/** The reason of a timeout of ours. */
export type TimeoutReason = AbortReason<OwnTimeoutKind>;

/** Shared reasons (no per-attempt allocation). */
export const ATTEMPT_TIMEOUT = new AbortReason('attempt');
/** The whole call's deadline passed. */
export const TOTAL_TIMEOUT = new AbortReason('total');
/** A streamed body's next chunk did not come in time. */
export const IDLE_TIMEOUT = new AbortReason('idle');
/** Another hedge answered first. */
export const HEDGE_LOST = new AbortReason('hedge-lost');

/** The limits an attempt ran under, for the failure of a timeout. */
export interface AttemptLimits {
  readonly attempt: number;
  readonly total: number;
  /** A streamed body's wait for its next chunk; `undefined`: the attempt timeout. */
  readonly idle: number | undefined;
}

/**
 * The failure of a timeout that fired for `kind`, with the length of that
 * timeout: the one place a timeout's reason becomes its failure.
 */
export function timeoutFailure(reason: TimeoutReason, limits: AttemptLimits): AttemptFailure {
  return { kind: 'timeout', timeoutKind: reason.kind, timeoutMs: lengthOf(reason, limits), cause: undefined };
}

/** How long the timeout that fired for `reason` was, in ms. */
function lengthOf(reason: TimeoutReason, limits: AttemptLimits): number {
  switch (reason.kind) {
    case 'attempt':
      return limits.attempt;
    case 'idle':
      return limits.idle ?? limits.attempt;
    case 'deadline':
      // A deadline's reason carries the ms the request context allowed.
      return reason.timeoutMs ?? limits.total;
    case 'total':
      return limits.total;
  }
}

/** True when `reason` is one of the timeouts, not the caller or a lost hedge. */
export function isTimeoutReason(reason: AbortReason): reason is TimeoutReason {
  return reason.kind !== 'caller' && reason.kind !== 'hedge-lost';
}

function abortWith(controller: AbortController, reason: AbortReason): void {
  controller.abort(reason);
}

/**
 * One attempt's signal: a single timer, firing at `ms` with `timeoutReason`,
 * linked to the caller's signal. This is the whole timeout machinery of an
 * attempt: no extra promise race, no per-attempt policy, and no per-attempt
 * closures (the timer takes its arguments; the instance is its own
 * `abort` listener on the caller's signal).
 */
export class AttemptSignal {
  readonly #controller = new AbortController();
  #timer: NodeJS.Timeout;
  readonly #parent: AbortSignal | undefined;

  /**
   * @param ms - When the timer fires: the time the attempt has left.
   * @param timeoutReason - The reason it aborts with.
   * @param parent - The caller's signal, if any.
   */
  constructor(
    readonly ms: number,
    timeoutReason: AbortReason,
    parent: AbortSignal | undefined,
  ) {
    this.#timer = setTimeout(abortWith, ms, this.#controller, timeoutReason);
    this.#parent = parent;
    parent?.addEventListener('abort', this, { once: true });
  }

  /** The signal handed to fetch. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** The caller aborted: abort the attempt, keeping the caller's reason. */
  handleEvent(): void {
    this.#controller.abort(new AbortReason('caller', this.#parent?.reason));
  }

  /**
   * Re-arms the single timer: the attempt's headers have come, and what is
   * left to bound is its body (`ms` from now, then `reason`).
   */
  rearm(ms: number, reason: AbortReason): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(abortWith, ms, this.#controller, reason);
  }

  /** Aborts now with `reason` (e.g. when a hedge lost). */
  abort(reason: AbortReason): void {
    this.#controller.abort(reason);
  }

  /** Clears the timer and the caller-signal listener. */
  dispose(): void {
    clearTimeout(this.#timer);
    this.#parent?.removeEventListener('abort', this);
  }
}
