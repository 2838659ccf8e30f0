/**
 * The time and chance the policies read: the wall clock (epoch ms, for
 * windows and pauses) and the random source (for jitter and throttling).
 * Injected once per client; the system one reads `Date.now` and
 * `Math.random` at each use, so fake timers and spies reach it.
 */
export interface Clock {
  /** Epoch ms. */
  now(): number;
  /** A number in [0, 1). */
  random(): number;
}

/** `Date.now()` and `Math.random()`, read at each use. */
export const SYSTEM_CLOCK: Clock = { now: () => Date.now(), random: () => Math.random() };
