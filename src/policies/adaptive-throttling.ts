import type { AttemptResult } from '../transport/attempt-result.js';
import { checkObject, duration, fail } from './validate.js';

/**
 * Client-side adaptive throttling (Google's SRE book, "Handling Overload"):
 * when the upstream rejects much of what this client sends, the client
 * rejects a share of new attempts itself, sending nothing.
 */
export interface AdaptiveThrottlingOptions {
  /**
   * How many requests per accepted one the client may send before it starts
   * refusing attempts: the upstream then receives at most about
   * `multiplier` × what it accepts. Lower is more aggressive; at least 1.
   * @default 2
   */
  multiplier?: number;
  /**
   * The window over which requests and accepts are counted, in ms.
   * @default 120000
   */
  windowMs?: number;
}

/** Adaptive throttling with every default filled in. */
export type ResolvedAdaptiveThrottling = Required<AdaptiveThrottlingOptions>;

/** The defaults of {@link AdaptiveThrottlingOptions}. */
export const ADAPTIVE_THROTTLING_DEFAULTS: ResolvedAdaptiveThrottling = Object.freeze({ multiplier: 2, windowMs: 120_000 });

/**
 * Validates `adaptiveThrottling`: off unless `true` or an object.
 *
 * @throws TypeError naming the option path and the bad value.
 */
export function normalizeAdaptiveThrottling(value: unknown): ResolvedAdaptiveThrottling | undefined {
  if (value === undefined || value === false) return undefined;
  if (value === true) return ADAPTIVE_THROTTLING_DEFAULTS;
  const raw = checkObject('adaptiveThrottling', value, ['multiplier', 'windowMs']);
  const multiplier = raw.multiplier ?? ADAPTIVE_THROTTLING_DEFAULTS.multiplier;
  if (typeof multiplier !== 'number' || !Number.isFinite(multiplier) || multiplier < 1) {
    fail('adaptiveThrottling.multiplier', 'a finite number >= 1', multiplier);
  }
  return { multiplier, windowMs: duration('adaptiveThrottling.windowMs', raw.windowMs, ADAPTIVE_THROTTLING_DEFAULTS.windowMs, true) };
}

/**
 * The SRE book's client-side rejection probability:
 * `max(0, (requests − multiplier × accepts) / (requests + 1))`. Zero while
 * the upstream accepts at least one in `multiplier` requests.
 *
 * @param requests - Attempts made in the window (throttled ones included).
 * @param accepts - Attempts the upstream accepted in the window.
 * @param multiplier - See {@link AdaptiveThrottlingOptions.multiplier}.
 */
export function throttleProbability(requests: number, accepts: number, multiplier: number): number {
  return Math.max(0, (requests - multiplier * accepts) / (requests + 1));
}

/**
 * Whether the upstream accepted an attempt: any answer but 429 or 503.
 * `undefined` for an outcome that says nothing (a cancellation, a defect):
 * counted in neither requests nor accepts.
 */
export function acceptedBy(result: AttemptResult): boolean | undefined {
  if (result.ok) return true;
  const failure = result.failure;
  switch (failure.kind) {
    case 'status':
      return failure.status !== 429 && failure.status !== 503;
    case 'invalid-response':
      return true;
    case 'network':
    case 'timeout':
      return false;
    default:
      return undefined;
  }
}

const BUCKETS = 12;

/**
 * The counters of one client over a sliding window of {@link BUCKETS}
 * buckets, on an injected clock, and the decision it makes with an injected
 * random source: no timers, so it is tested by moving the clock.
 */
export class AdaptiveThrottle {
  readonly #multiplier: number;
  readonly #bucketMs: number;
  readonly #requests = new Float64Array(BUCKETS);
  readonly #accepts = new Float64Array(BUCKETS);
  readonly #slots = new Float64Array(BUCKETS).fill(Number.NEGATIVE_INFINITY);
  readonly #now: () => number;
  readonly #random: () => number;

  /**
   * @param options - Multiplier and window.
   * @param now - Clock in ms.
   * @param random - A number in [0, 1).
   */
  constructor(options: ResolvedAdaptiveThrottling, now: () => number, random: () => number) {
    this.#multiplier = options.multiplier;
    this.#bucketMs = options.windowMs / BUCKETS;
    this.#now = now;
    this.#random = random;
  }

  /** The current rejection probability. */
  probability(): number {
    this.#bucket();
    let requests = 0;
    let accepts = 0;
    for (let i = 0; i < BUCKETS; i++) {
      requests += this.#requests[i] ?? 0;
      accepts += this.#accepts[i] ?? 0;
    }
    return throttleProbability(requests, accepts, this.#multiplier);
  }

  /** Decides for one new attempt: `true` to refuse it (counted as a request at once), `false` to let it go. */
  refuses(): boolean {
    const p = this.probability();
    if (p <= 0 || this.#random() >= p) return false;
    this.#record(false);
    return true;
  }

  /** Counts the outcome of an attempt that was sent; one that says nothing counts in neither. */
  record(result: AttemptResult): void {
    const accepted = acceptedBy(result);
    if (accepted !== undefined) this.#record(accepted);
  }

  #record(accepted: boolean): void {
    const index = this.#bucket();
    this.#requests[index] = (this.#requests[index] ?? 0) + 1;
    if (accepted) this.#accepts[index] = (this.#accepts[index] ?? 0) + 1;
  }

  /** The current bucket, clearing those that fell out of the window. */
  #bucket(): number {
    const slot = Math.floor(this.#now() / this.#bucketMs);
    const index = ((slot % BUCKETS) + BUCKETS) % BUCKETS;
    if (this.#slots[index] !== slot) {
      for (let i = 0; i < BUCKETS; i++) {
        if ((this.#slots[i] ?? 0) <= slot - BUCKETS) {
          this.#requests[i] = 0;
          this.#accepts[i] = 0;
        }
      }
      this.#slots[index] = slot;
      this.#requests[index] = 0;
      this.#accepts[index] = 0;
    }
    return index;
  }
}
