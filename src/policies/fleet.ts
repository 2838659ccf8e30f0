import { checkObject, fail, ratio } from './validate.js';
import { ABORTED, TIMED_OUT, race } from '../context/timers.js';
import { redactText } from '../logging/redact.js';

/**
 * Where the instances of a fleet keep what they share: the rate limit's
 * windows and the `Retry-After` pauses. `createRedisStore()` from
 * `resilient-http/redis` is one; any object of this shape is another.
 * A method that rejects, or does not settle within 100 ms, never fails a
 * call: the client uses its in-process limiter meanwhile.
 */
export interface FleetStore {
  /**
   * Takes one of `limit` slots of the fixed window number `window` (windows of `intervalMs`
   * from the epoch) under `key`; resolves to `false` when that window is full.
   */
  takeSlot(key: string, window: number, limit: number, intervalMs: number): Promise<boolean>;
  /** Pauses every attempt under `key` until `untilMs` (epoch ms); a later pause already set is kept. */
  pause(key: string, untilMs: number): Promise<void>;
  /** The end of `key`'s pause (epoch ms); 0 (or any past time) when there is none. */
  pausedUntil(key: string): Promise<number>;
}

/**
 * Shares the rate limit and the `Retry-After` pauses across the instances of
 * a fleet through a store: N instances together send at most `rateLimit.limit`
 * per interval, and all of them honour one instance's `Retry-After`.
 *
 * @example
 * ```ts
 * import { createRedisStore } from 'resilient-http/redis';
 * createClient('https://api.partner.example/', {
 *   rateLimit: { limit: 100, intervalMs: 1000 },
 *   fleet: { store: createRedisStore(redis), key: 'partner-api' },
 * });
 * ```
 */
export interface FleetOptions {
  /** The shared store, e.g. `createRedisStore(redis)`. */
  store: FleetStore;
  /**
   * The name the fleet's quota and pauses are kept under: clients with the same key share them.
   * @default the client's `name`
   */
  key?: string;
  /**
   * The share of `rateLimit.limit` this instance may use alone while the store is unavailable
   * (e.g. `0.125` in a fleet of 8), in (0, 1].
   * @default 1
   */
  localShare?: number;
}

/** The fleet options, validated. */
export interface ResolvedFleet {
  readonly store: FleetStore;
  readonly key: string;
  readonly localShare: number;
}

/**
 * Validates `fleet`: off unless given.
 *
 * @param name - The client's name, the default key.
 * @throws TypeError naming the option path and the bad value.
 */
export function normalizeFleet(value: unknown, name: string): ResolvedFleet | undefined {
  if (value === undefined || value === false) return undefined;
  const raw = checkObject('fleet', value, ['store', 'key', 'localShare']);
  const store = raw.store as Partial<FleetStore> | undefined;
  if (typeof store !== 'object' || store === null || typeof store.takeSlot !== 'function' || typeof store.pause !== 'function' || typeof store.pausedUntil !== 'function') {
    fail('fleet.store', 'a fleet store (takeSlot, pause, pausedUntil), e.g. createRedisStore(redis)', raw.store);
  }
  if (raw.key !== undefined && (typeof raw.key !== 'string' || raw.key === '')) fail('fleet.key', 'a non-empty string', raw.key);
  return { store: store as FleetStore, key: (raw.key) ?? name, localShare: ratio('fleet.localShare', raw.localShare, 1) };
}

/** A store that fails or does not answer within this many ms is given up for the operation. */
export const STORE_TIMEOUT_MS = 100;
/** While the store is given up, it is tried again at most this often, in ms. */
export const STORE_RETRY_MS = 1000;
/** While the store is given up, `fallback` is reported at most this often, in ms. */
export const FALLBACK_REPORT_MS = 60_000;

/** Why the store was given up, for the `fallback` event. */
class StoreTimeout extends Error {
  constructor() {
    super('timeout');
  }
}

/** Settles with `promise`, or rejects with {@link StoreTimeout} after `ms`; the timer never outlives it. */
async function withinTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  const end = await race(promise, undefined, ms);
  if (end === TIMED_OUT || end === ABORTED) throw new StoreTimeout();
  return end;
}

/** Told when the guard gives the store up (at most once a minute) and when it uses it again. */
export type StoreReport = (decision: 'fallback' | 'restored', detail: string | undefined) => void;

/**
 * The fleet store behind a fuse: each operation is bounded by
 * {@link STORE_TIMEOUT_MS}; a failure or a stall switches the client to its
 * in-process answer, and the store is tried again every
 * {@link STORE_RETRY_MS} until it answers. Nothing it does rejects.
 */
export class FleetGuard {
  readonly #store: FleetStore;
  readonly #now: () => number;
  #down = false;
  #retryAt = 0;
  #reportedAt = Number.NEGATIVE_INFINITY;

  /**
   * @param store - The fleet's store.
   * @param now - The clock, in ms.
   */
  constructor(store: FleetStore, now: () => number) {
    this.#store = store;
    this.#now = now;
  }

  /** True while the store is given up. */
  get down(): boolean {
    return this.#down;
  }

  /** Runs `operation` on the store, or `local()` when the store is given up, fails or stalls. */
  async run<T>(operation: (store: FleetStore) => Promise<T>, local: () => T, report: StoreReport): Promise<T> {
    if (this.#down) {
      const now = this.#now();
      if (now < this.#retryAt) return local();
      // One probe at a time: the calls that come while it is pending stay in process.
      this.#retryAt = now + STORE_RETRY_MS;
    }
    let pending: Promise<T>;
    try {
      pending = operation(this.#store);
    } catch (error) {
      pending = Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    // A late rejection after a timeout must not be unhandled.
    pending.catch(() => undefined);
    try {
      const value = await withinTimeout(pending, STORE_TIMEOUT_MS);
      if (this.#down) {
        this.#down = false;
        report('restored', undefined);
      }
      return value;
    } catch (error) {
      const now = this.#now();
      this.#down = true;
      this.#retryAt = now + STORE_RETRY_MS;
      if (now - this.#reportedAt >= FALLBACK_REPORT_MS) {
        this.#reportedAt = now;
        // A store's message may carry its URL with a password (redis://:secret@host): redacted where it enters the event.
        report('fallback', redactText(error instanceof Error ? error.message : String(error)));
      }
      return local();
    }
  }
}
