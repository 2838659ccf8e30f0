import { TIMED_OUT, race } from '../context/timers.js';

/**
 * Waits `ms`, or less when `signal` aborts: resolves `true` when the wait ran
 * its course, `false` when it was cut short. Never rejects.
 */
export async function sleep(ms: number, signal: AbortSignal | undefined): Promise<boolean> {
  // No wait is no timer: a zero backoff goes on at once (a resolved promise), cancelled only if already aborted.
  if (ms <= 0) return signal?.aborted !== true;
  return (await race(undefined, signal, ms)) === TIMED_OUT;
}
