import type { CircuitBreakerOptions, ResolvedBreaker } from '../../policies/circuit-breaker.js';
import { DEFAULTS } from './defaults.js';
import { checkObject, duration, fail, integer } from './validate.js';

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
      duration: duration('circuitBreaker.sampling.duration', s.duration, DEFAULTS.sampling.duration, true),
      minimumRps: duration('circuitBreaker.sampling.minimumRps', s.minimumRps, DEFAULTS.sampling.minimumRps),
    };
  }
  return {
    consecutiveFailures: integer('circuitBreaker.consecutiveFailures', raw.consecutiveFailures, DEFAULTS.circuitBreaker.consecutiveFailures, 1),
    sampling,
    halfOpenAfter: duration('circuitBreaker.halfOpenAfter', raw.halfOpenAfter, DEFAULTS.circuitBreaker.halfOpenAfter, true),
    initialState: raw.initialState,
  };
}
