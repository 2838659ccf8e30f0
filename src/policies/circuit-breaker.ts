import {
  CircuitState,
  ConsecutiveBreaker,
  IsolatedCircuitError,
  SamplingBreaker,
  TaskCancelledError,
  circuitBreaker,
  handleWhenResult,
  isBrokenCircuitError,
} from 'cockatiel';
import type { CircuitBreakerPolicy } from 'cockatiel';

import type { ResolvedBreaker } from '../client/options.js';
import type { CircuitStateName } from '../client/types.js';
import type { AttemptResult } from './attempt-result.js';
import { isUnhealthy } from './attempt-result.js';

/** What the breaker wraps: one attempt (or hedged group) and how many requests it sent. */
export interface GuardedOutcome {
  readonly result: AttemptResult;
  readonly sent: number;
}

const STATE_NAMES: Record<CircuitState, CircuitStateName> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.Open]: 'open',
  [CircuitState.HalfOpen]: 'half-open',
  [CircuitState.Isolated]: 'isolated',
};

/** Thrown through cockatiel for a cancelled attempt, so it neither counts as a failure nor as a success. */
class NeutralOutcome extends Error {
  constructor(readonly outcome: GuardedOutcome) {
    super('cancelled attempt');
  }
}

/**
 * The client's circuit breaker: cockatiel's `CircuitBreakerPolicy` with a
 * consecutive or sampling breaker, counting unhealthy outcomes (network
 * errors, timeouts, 5xx, 429) as failures and healthy answers (2xx, other
 * 4xx) as successes. State changes are queued and handed to the call that
 * saw them, so each transition is reported with a request's fields.
 */
export class Breaker {
  readonly #policy: CircuitBreakerPolicy;
  readonly #transitions: CircuitStateName[] = [];

  /** @param options - Resolved breaker settings. */
  constructor(options: ResolvedBreaker) {
    const breaker = options.sampling === undefined
      ? new ConsecutiveBreaker(options.consecutiveFailures)
      : new SamplingBreaker(options.sampling);
    this.#policy = circuitBreaker(
      handleWhenResult((outcome) => isUnhealthy((outcome as GuardedOutcome).result)),
      { halfOpenAfter: options.halfOpenAfter, breaker, ...(options.initialState === undefined ? {} : { initialState: options.initialState }) },
    );
    this.#policy.onStateChange((state) => {
      this.#transitions.push(STATE_NAMES[state]);
    });
  }

  /** The current state. */
  get state(): CircuitStateName {
    return STATE_NAMES[this.#policy.state];
  }

  /** True when calls are rejected without being sent. */
  get isOpen(): boolean {
    const state = this.#policy.state;
    return state === CircuitState.Open || state === CircuitState.Isolated;
  }

  /** cockatiel's serialisable state, for `circuitBreaker.initialState`. */
  snapshot(): unknown {
    return this.#policy.toJSON();
  }

  /** State changes since the last call, oldest first. */
  takeTransitions(): CircuitStateName[] {
    return this.#transitions.splice(0);
  }

  /**
   * Runs `fn` through the breaker. An open (or isolated) circuit comes back as
   * a `circuit-open` failure with nothing sent.
   */
  async execute(fn: () => Promise<GuardedOutcome>, signal: AbortSignal | undefined): Promise<GuardedOutcome> {
    try {
      return await this.#policy.execute(async () => {
        const outcome = await fn();
        if (!outcome.result.ok && outcome.result.failure.kind === 'aborted') throw new NeutralOutcome(outcome);
        return outcome;
      }, signal);
    } catch (error) {
      if (error instanceof NeutralOutcome) return error.outcome;
      if (isBrokenCircuitError(error) || error instanceof IsolatedCircuitError) {
        return { result: { ok: false, failure: { kind: 'circuit-open', cause: error } }, sent: 0 };
      }
      if (error instanceof TaskCancelledError) {
        return { result: { ok: false, failure: { kind: 'aborted', cause: signal?.reason } }, sent: 0 };
      }
      throw error;
    }
  }
}
