import { checkObject, duration, fail, integer } from '../validate.js';

/** Failure-ratio breaker: opens when the failure ratio over a window passes `threshold`. */
export interface SamplingBreakerOptions {
  /** Failure ratio that opens the circuit, strictly between 0 and 1. */
  threshold: number;
  /**
   * Window over which the ratio is measured, in ms.
   * @default 30000
   */
  duration?: number;
  /**
   * Fewest requests per second in the window before the breaker may open.
   * @default 5
   */
  minimumRps?: number;
}

/** Circuit breaker settings. Failures: network errors, timeouts, 5xx and 429. */
export interface CircuitBreakerOptions {
  /**
   * Consecutive failures that open the circuit.
   * @default 5
   */
  consecutiveFailures?: number;
  /** Use a failure-ratio breaker instead of the consecutive one. */
  sampling?: SamplingBreakerOptions;
  /**
   * Time the circuit stays open before one probe request is let through, in ms.
   * @default 10000
   */
  halfOpenAfter?: number;
  /** A state saved by `client.circuitSnapshot()`, to restore across restarts. */
  initialState?: unknown;
}

/** Breaker settings with every default filled in. */
export interface ResolvedBreaker {
  readonly consecutiveFailures: number;
  readonly sampling: { threshold: number; duration: number; minimumRps: number } | undefined;
  readonly halfOpenAfter: number;
  readonly initialState: unknown;
}

/** The breaker's defaults, as the README's options table gives them. */
export const BREAKER_DEFAULTS = {
  consecutiveFailures: 5,
  halfOpenAfter: 10_000,
  sampling: { duration: 30_000, minimumRps: 5 },
} as const;

/** Validates `circuitBreaker`: `false` turns it off; absent means the defaults. */
export function normalizeBreaker(value: CircuitBreakerOptions | false | undefined): ResolvedBreaker | undefined {
  if (value === false) return undefined;
  const raw = checkObject('circuitBreaker', value ?? {}, ['consecutiveFailures', 'sampling', 'halfOpenAfter', 'initialState']);
  if (raw.sampling !== undefined && raw.consecutiveFailures !== undefined) {
    throw new TypeError('circuitBreaker.consecutiveFailures and circuitBreaker.sampling are exclusive: choose one breaker');
  }
  let sampling: ResolvedBreaker['sampling'];
  if (raw.sampling !== undefined) {
    const s = checkObject('circuitBreaker.sampling', raw.sampling, ['threshold', 'duration', 'minimumRps']);
    // cockatiel's SamplingBreaker throws a RangeError unless 0 < threshold < 1.
    if (typeof s.threshold !== 'number' || !(s.threshold > 0 && s.threshold < 1)) {
      fail('circuitBreaker.sampling.threshold', 'a number in (0, 1)', s.threshold);
    }
    sampling = {
      threshold: s.threshold,
      duration: duration('circuitBreaker.sampling.duration', s.duration, BREAKER_DEFAULTS.sampling.duration, true),
      minimumRps: duration('circuitBreaker.sampling.minimumRps', s.minimumRps, BREAKER_DEFAULTS.sampling.minimumRps),
    };
  }
  return {
    consecutiveFailures: integer('circuitBreaker.consecutiveFailures', raw.consecutiveFailures, BREAKER_DEFAULTS.consecutiveFailures, 1),
    sampling,
    halfOpenAfter: duration('circuitBreaker.halfOpenAfter', raw.halfOpenAfter, BREAKER_DEFAULTS.halfOpenAfter, true),
    initialState: raw.initialState,
  };
}
