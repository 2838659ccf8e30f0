/**
 * Why a signal of ours was aborted. The client classifies a failed attempt by
 * which signal fired and with which reason — never by the error's name, which
 * ky, undici and `AbortSignal.timeout` share.
 */
export class AbortReason {
  /**
   * @param kind - What ended the attempt.
   * @param cause - The caller's own abort reason, for `caller`.
   * @param timeoutMs - For `deadline`: the milliseconds the request context allowed the call.
   */
  constructor(
    readonly kind: 'attempt-timeout' | 'total-timeout' | 'idle-timeout' | 'deadline' | 'caller' | 'hedge-lost',
    readonly cause?: unknown,
    readonly timeoutMs?: number,
  ) {}
}

/** Shared reasons (no per-attempt allocation). */
export const ATTEMPT_TIMEOUT = new AbortReason('attempt-timeout');
/** The whole call's deadline passed. */
export const TOTAL_TIMEOUT = new AbortReason('total-timeout');
/** A streamed body's next chunk did not come in time. */
export const IDLE_TIMEOUT = new AbortReason('idle-timeout');
/** Another hedge answered first. */
export const HEDGE_LOST = new AbortReason('hedge-lost');

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
