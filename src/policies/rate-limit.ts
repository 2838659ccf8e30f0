import { checkObject, duration, fail, integer } from './validate.js';

/**
 * A client-side rate limit: at most `limit` attempts sent in each fixed
 * window of `intervalMs` (windows aligned on the epoch clock, so a fleet
 * sharing a store shares the same windows). An attempt waits for a slot
 * within its call's time left; when the wait would outlast it, the call
 * rejects at once with `UpstreamThrottledError` (`reason: 'rate-limit'`).
 *
 * @example
 * ```ts
 * createClient('https://api.partner.example/', { rateLimit: { limit: 100, intervalMs: 1000 } });
 * ```
 */
export interface RateLimitOptions {
  /** Attempts allowed in each interval (hedges and retries included): an integer >= 1. */
  limit: number;
  /** The interval, in ms (> 0). */
  intervalMs: number;
}

/** A validated rate limit. */
export type ResolvedRateLimit = Readonly<RateLimitOptions>;

/**
 * Validates `rateLimit`: off unless given; both fields are required.
 *
 * @throws TypeError naming the option path and the bad value.
 */
export function normalizeRateLimit(value: unknown): ResolvedRateLimit | undefined {
  if (value === undefined || value === false) return undefined;
  const raw = checkObject('rateLimit', value, ['limit', 'intervalMs']);
  if (raw.limit === undefined) fail('rateLimit.limit', 'an integer >= 1', undefined);
  if (raw.intervalMs === undefined) fail('rateLimit.intervalMs', 'a number > 0 (ms)', undefined);
  return { limit: integer('rateLimit.limit', raw.limit, 1, 1), intervalMs: duration('rateLimit.intervalMs', raw.intervalMs, 1, true) };
}

/** The fixed window that `nowMs` (epoch ms) falls in. */
export function windowOf(nowMs: number, intervalMs: number): number {
  return Math.floor(nowMs / intervalMs);
}

/**
 * The in-process rate-limit windows and pause of one client: what it uses
 * alone, and while its fleet store is unavailable. Synchronous and pure of
 * timers: the caller supplies the window numbers and times.
 */
export class LocalWindows {
  /** Slots taken per window, for the current window and those reserved ahead. */
  readonly #taken = new Map<number, number>();
  #pausedUntil = 0;

  /** Takes one of `limit` slots of `window`; `false` when it is full. Windows before `current` are forgotten. */
  take(window: number, limit: number, current: number): boolean {
    const taken = this.#taken.get(window) ?? 0;
    if (taken >= limit) return false;
    this.#taken.set(window, taken + 1);
    if (this.#taken.size > 64) {
      for (const key of this.#taken.keys()) if (key < current) this.#taken.delete(key);
    }
    return true;
  }

  /** Pauses until `untilMs` (epoch ms), unless a later pause is set. */
  pause(untilMs: number): void {
    if (untilMs > this.#pausedUntil) this.#pausedUntil = untilMs;
  }

  /** The end of the pause (epoch ms); 0 when none was set. */
  get pausedUntil(): number {
    return this.#pausedUntil;
  }
}

/**
 * The longest an attempt may wait for a rate-limit slot: the call's time left, less what the attempt
 * itself needs once sent — half the time left, at most the attempt timeout. Under a standing overload
 * every waiting caller would otherwise get its slot just before its deadline, and spend the upstream's
 * capacity on an answer no one waits for any more.
 */
export function maxSlotWait(remainingMs: number, attemptTimeoutMs: number): number {
  return remainingMs - Math.min(attemptTimeoutMs, remainingMs / 2);
}

/** Where the next slot is: the wait before it, or a refusal with the wait it would have needed. */
export type SlotAnswer = { granted: true; waitMs: number } | { granted: false; waitMs: number };

/**
 * Finds the first window with a free slot, from the current one on, taking
 * one slot there: the attempt waits until that window starts. Windows known
 * full are skipped without asking (`knownFull`: the first window not known
 * full). When the next candidate starts at or after `maxWaitMs`, the
 * answer is a refusal with that wait, nothing taken.
 *
 * @param nowMs - The epoch clock, in ms.
 * @param intervalMs - The window length.
 * @param maxWaitMs - The longest wait allowed (see {@link maxSlotWait}).
 * @param knownFull - Windows before this one are full.
 * @param take - Tries to take a slot of a window; may be the fleet store's.
 * @param onFull - Told of each window found full.
 */
export async function findSlot(
  nowMs: number,
  intervalMs: number,
  maxWaitMs: number,
  knownFull: number,
  take: (window: number) => boolean | Promise<boolean>,
  onFull: (window: number) => void,
): Promise<SlotAnswer> {
  const current = windowOf(nowMs, intervalMs);
  for (let window = Math.max(current, knownFull); ; window++) {
    const waitMs = window === current ? 0 : Math.ceil(window * intervalMs - nowMs);
    if (waitMs >= maxWaitMs) return { granted: false, waitMs };
    if (await take(window)) return { granted: true, waitMs };
    onFull(window);
  }
}
