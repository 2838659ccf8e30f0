/**
 * Why a signal of ours was aborted. The client classifies a failed attempt by
 * which signal fired and with which reason — never by the error's name, which
 * ky, undici and `AbortSignal.timeout` share.
 */
export class AbortReason {
  /**
   * @param kind - What ended the attempt.
   * @param cause - The caller's own abort reason, for `caller`.
   */
  constructor(
    readonly kind: 'attempt-timeout' | 'total-timeout' | 'caller' | 'hedge-lost',
    readonly cause?: unknown,
  ) {}
}

/** Shared reasons (no per-attempt allocation). */
export const ATTEMPT_TIMEOUT = new AbortReason('attempt-timeout');
/** The whole call's deadline passed. */
export const TOTAL_TIMEOUT = new AbortReason('total-timeout');
/** Another hedge answered first. */
export const HEDGE_LOST = new AbortReason('hedge-lost');

/** A controller that aborts after `ms` and whenever `parent` aborts; `dispose()` frees both hooks. */
export interface AttemptSignal {
  readonly signal: AbortSignal;
  /** Aborts now with `reason` (e.g. when a hedge lost). */
  abort(reason: AbortReason): void;
  /** Clears the timer and the parent listener. */
  dispose(): void;
}

/**
 * One attempt's signal: a single timer, firing at `ms` with `timeoutReason`,
 * linked to the caller's signal. This is the whole timeout machinery of an
 * attempt: no extra promise race, no per-attempt policy.
 */
export function createAttemptSignal(ms: number, timeoutReason: AbortReason, parent: AbortSignal | undefined): AttemptSignal {
  const controller = new AbortController();
  const timer = setTimeout(() => {
    controller.abort(timeoutReason);
  }, ms);
  let onParentAbort: (() => void) | undefined;
  if (parent !== undefined) {
    onParentAbort = () => {
      controller.abort(new AbortReason('caller', parent.reason));
    };
    parent.addEventListener('abort', onParentAbort, { once: true });
  }
  return {
    signal: controller.signal,
    abort: (reason) => {
      controller.abort(reason);
    },
    dispose: () => {
      clearTimeout(timer);
      if (onParentAbort !== undefined) parent?.removeEventListener('abort', onParentAbort);
    },
  };
}

/**
 * Waits `ms`, or less when `signal` aborts: resolves `true` when the wait ran
 * its course, `false` when it was cut short. Never rejects.
 */
export function sleep(ms: number, signal: AbortSignal | undefined): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
