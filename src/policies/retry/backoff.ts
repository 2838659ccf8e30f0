/**
 * Exponential backoff with full jitter (AWS architecture blog's "full
 * jitter"): a uniformly random delay between 0 and
 * `min(maxDelay, initialDelay × 2^(retry − 1))`. Pure.
 *
 * @param retry - 1 for the first retry, 2 for the second, …
 * @param initialDelay - Ceiling of the first delay, in ms.
 * @param maxDelay - Largest ceiling, in ms.
 * @param random - A number in [0, 1); `Math.random()` by default.
 * @returns The delay in whole milliseconds.
 */
export function computeBackoffDelay(retry: number, initialDelay: number, maxDelay: number, random: number = Math.random()): number {
  const exponent = Math.min(Math.max(retry - 1, 0), 30);
  const ceiling = Math.min(maxDelay, initialDelay * 2 ** exponent);
  return Math.floor(random * ceiling);
}
