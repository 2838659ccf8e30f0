import { checkObject, duration, integer, ratio } from '../validate.js';

/** Retry budget parameters (Finagle-style): retries stay a bounded share of requests. */
export interface RetryBudgetOptions {
  /**
   * Share of requests in the window that may be retried.
   * @default 0.2
   */
  percent?: number;
  /**
   * Retries always allowed per second of window, so quiet clients can still retry.
   * @default 10
   */
  minRetriesPerSecond?: number;
  /**
   * Length of the sliding window, in milliseconds.
   * @default 10000
   */
  windowMs?: number;
}

/** Budget parameters with every default filled in. */
export type ResolvedBudget = Required<RetryBudgetOptions>;

/** The budget's defaults, as the README's options table gives them. */
export const BUDGET_DEFAULTS: ResolvedBudget = { percent: 0.2, minRetriesPerSecond: 10, windowMs: 10_000 };

/** Validates `retry.budget`: `false` turns it off, `true` or absent means the defaults. */
export function normalizeBudget(value: unknown): ResolvedBudget | undefined {
  if (value === false) return undefined;
  if (value === undefined || value === true) return { ...BUDGET_DEFAULTS };
  const raw = checkObject('retry.budget', value, ['percent', 'minRetriesPerSecond', 'windowMs']);
  return {
    percent: ratio('retry.budget.percent', raw.percent, BUDGET_DEFAULTS.percent),
    minRetriesPerSecond: duration('retry.budget.minRetriesPerSecond', raw.minRetriesPerSecond, BUDGET_DEFAULTS.minRetriesPerSecond),
    windowMs: integer('retry.budget.windowMs', raw.windowMs, BUDGET_DEFAULTS.windowMs, 1000),
  };
}

/**
 * A Finagle-style retry budget over a sliding window: within the last
 * `windowMs`, retries may be at most `percent` of requests plus a floor of
 * `minRetriesPerSecond × window seconds`. Time comes from `now`, so the
 * accounting is tested without timers.
 *
 * Under a total outage with the defaults (20 %, 10/s, 10 s) the upstream
 * sees at most 1.2× the requests plus the floor: the retry storm a naive
 * 3-attempt policy makes (3×) cannot happen.
 */
export class RetryBudget {
  readonly #percent: number;
  readonly #floor: number;
  readonly #bucketMs: number;
  readonly #requests: Float64Array;
  readonly #retries: Float64Array;
  readonly #stamps: Float64Array;
  readonly #now: () => number;

  /**
   * @param options - Budget parameters.
   * @param now - Clock in ms; `Date.now` by default.
   */
  constructor(options: ResolvedBudget, now: () => number = Date.now) {
    const buckets = 10;
    this.#percent = options.percent;
    this.#floor = options.minRetriesPerSecond * (options.windowMs / 1000);
    this.#bucketMs = options.windowMs / buckets;
    this.#requests = new Float64Array(buckets);
    this.#retries = new Float64Array(buckets);
    this.#stamps = new Float64Array(buckets).fill(-1);
    this.#now = now;
  }

  /** Counts one logical request (a deposit). */
  recordRequest(): void {
    const index = this.#bucket();
    this.#requests[index] = (this.#requests[index] ?? 0) + 1;
  }

  /** Takes one retry from the budget; `false` when it is spent. */
  tryAcquireRetry(): boolean {
    const index = this.#bucket();
    let requests = 0;
    let retries = 0;
    for (let i = 0; i < this.#stamps.length; i++) {
      requests += this.#requests[i] ?? 0;
      retries += this.#retries[i] ?? 0;
    }
    if (retries + 1 > requests * this.#percent + this.#floor) return false;
    this.#retries[index] = (this.#retries[index] ?? 0) + 1;
    return true;
  }

  /** The current bucket's index, clearing buckets that fell out of the window. */
  #bucket(): number {
    const slot = Math.floor(this.#now() / this.#bucketMs);
    const index = slot % this.#stamps.length;
    if (this.#stamps[index] !== slot) {
      // Any bucket whose slot is older than the window is stale; clear them all lazily.
      for (let i = 0; i < this.#stamps.length; i++) {
        if ((this.#stamps[i] ?? -1) <= slot - this.#stamps.length) {
          this.#requests[i] = 0;
          this.#retries[i] = 0;
        }
      }
      this.#stamps[index] = slot;
      this.#requests[index] = 0;
      this.#retries[index] = 0;
    }
    return index;
  }
}
