/**
 * Waiting, once for the whole package: the longest delay a timer honours,
 * and one way to race work against a signal and a timer.
 */

/**
 * The longest delay a Node timer honours: 2^31 − 1 ms, about 24.8 days. A
 * longer one fires after 1 ms, so every delay the package takes from options
 * or from the wire is bounded by it.
 */
export const MAX_TIMER_MS = 2_147_483_647;

/** `ms` as whole ms in [0, {@link MAX_TIMER_MS}]. */
export function clampDelay(ms: number): number {
  return Math.min(MAX_TIMER_MS, Math.max(0, Math.round(ms)));
}

/** What {@link race} resolves to when the signal aborted first. */
export const ABORTED: unique symbol = Symbol('aborted');
/** What {@link race} resolves to when the time ran out first. */
export const TIMED_OUT: unique symbol = Symbol('timed out');

/**
 * Settles with `work`, or earlier: with {@link ABORTED} once `signal` aborts
 * (at once when it already has), with {@link TIMED_OUT} once `ms` pass.
 * Without `work` it is a wait that ends one of those two ways. The listener
 * and the timer are removed whichever comes first; `work` itself is not
 * cancelled (the caller owns it).
 */
export function race<T>(work: Promise<T> | undefined, signal: AbortSignal | undefined, ms: number | undefined): Promise<T | typeof ABORTED | typeof TIMED_OUT> {
  if (signal?.aborted === true) return Promise.resolve(ABORTED);
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve(ABORTED);
    };
    const timer = ms === undefined ? undefined : setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(TIMED_OUT);
    }, Math.min(MAX_TIMER_MS, Math.max(0, ms)));
    signal?.addEventListener('abort', onAbort, { once: true });
    work?.then(
      (value) => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

/** How a promise settled: its value, or what it rejected with (kept as it was, an `Error` or not). */
export type Settled<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: unknown };

/**
 * How `work` settled, or — once `signal` aborts first — a rejection with the
 * signal's reason. Never rejects; {@link race} underneath, so the listener is
 * removed whichever comes first.
 */
export async function settledUnlessAborted<T>(work: PromiseLike<T>, signal: AbortSignal): Promise<Settled<T>> {
  const settled = Promise.resolve(work).then(
    (value): Settled<T> => ({ ok: true, value }),
    (error: unknown): Settled<T> => ({ ok: false, error }),
  );
  const end = await race(settled, signal, undefined);
  return end === ABORTED || end === TIMED_OUT ? { ok: false, error: signal.reason as unknown } : end;
}
