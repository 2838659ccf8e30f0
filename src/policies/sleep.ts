import { TIMED_OUT, race } from '../context/timers.js';

/**
 * Waits `ms`, or less when `signal` aborts: resolves `true` when the wait ran
 * its course, `false` when it was cut short. Never rejects.
 */
export async function sleep(ms: number, signal: AbortSignal | undefined): Promise<boolean> {
  return (await race(undefined, signal, ms)) === TIMED_OUT;
}
