import type { RequestEndEvent } from '../events/events.js';

/** Length of a summary window, in ms: at most one line per window for an open circuit's instant rejections. */
export const SUMMARY_WINDOW_MS = 1000;

/**
 * The log summary of one client's open-circuit rejections. While a circuit
 * is open every call is rejected at once, and a busy service would write a
 * line per call exactly when someone is reading the logs. So the first
 * instant rejection in each one-second window is written; the others are
 * only counted, and the count goes on the next line written for the client
 * (the next window's first rejection, or the circuit's next transition) as
 * `suppressed` — only on those lines, whatever the level. Windows are
 * measured from event to event: no timer.
 */
export class RejectionSummary {
  readonly #now: () => number;
  #windowStart = Number.NEGATIVE_INFINITY;
  #suppressed = 0;

  /** @param now - The clock, in ms. */
  constructor(now: () => number) {
    this.#now = now;
  }

  /** True when `event` is an instant rejection inside the current window: counted, not written. */
  absorbs(event: RequestEndEvent): boolean {
    if (!isInstantRejection(event)) return false;
    const now = this.#now();
    if (now - this.#windowStart < SUMMARY_WINDOW_MS) {
      this.#suppressed++;
      return true;
    }
    this.#windowStart = now;
    return false;
  }

  /**
   * The rejections counted since the last summary or transition line, and starts counting again.
   * Only those lines carry the count (never a debug line, nor another call's failure).
   */
  takeSuppressed(): number {
    const count = this.#suppressed;
    this.#suppressed = 0;
    return count;
  }
}

/** An open circuit's rejection of a call that sent nothing: what the summary counts. */
export function isInstantRejection(event: RequestEndEvent): boolean {
  return event.error?.code === 'UPSTREAM_CIRCUIT_OPEN' && event.attempts === 0;
}
