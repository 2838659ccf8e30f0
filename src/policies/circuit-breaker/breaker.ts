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

import type { AttemptResult } from '../../transport/attempt-result.js';
import type { Call } from '../call.js';
import type { Step } from '../compose.js';
import { outcome } from '../outcome.js';
import type { CallOutcome } from '../outcome.js';
import { isUnhealthy } from './health.js';
import type { ResolvedBreaker } from './options.js';

/** The state of a client's circuit breaker. */
export type CircuitStateName = 'closed' | 'open' | 'half-open' | 'isolated';

const STATE_NAMES: Record<CircuitState, CircuitStateName> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.Open]: 'open',
  [CircuitState.HalfOpen]: 'half-open',
  [CircuitState.Isolated]: 'isolated',
};

/** Outcomes that say nothing about the upstream's health. */
const NEUTRAL_KINDS = new Set(['aborted', 'unexpected', 'credentials']);

const NO_TRANSITIONS: readonly CircuitStateName[] = [];

/** Thrown through cockatiel for a cancelled attempt, so it neither counts as a failure nor as a success. */
class NeutralOutcome extends Error {
  constructor(readonly outcome: CallOutcome) {
    super('cancelled attempt');
  }
}

/**
 * `circuitBreaker.initialState`, checked (cockatiel dereferences it blindly and
 * would throw "Cannot read properties of undefined") and copied (cockatiel
 * adopts and mutates the object it is given). `null` counts as no state.
 */
function restoredState(options: ResolvedBreaker): { initialState?: unknown } {
  const value = options.initialState;
  if (value === undefined || value === null) return {};
  const own = typeof value === 'object' ? (value as { ownState?: unknown }).ownState : undefined;
  const ownState = typeof own === 'object' && own !== null ? (own as Record<string, unknown>) : undefined;
  const breakerState = (value as { breakerState?: unknown }).breakerState;
  const valid =
    ownState !== undefined &&
    (ownState.value === CircuitState.Closed ||
      (ownState.value === CircuitState.Open && typeof ownState.openedAt === 'number' && typeof ownState.attemptNo === 'number')) &&
    (options.sampling === undefined ? typeof breakerState === 'number' : typeof breakerState === 'object' && breakerState !== null);
  if (!valid) {
    throw new TypeError(
      `circuitBreaker.initialState must be a value returned by circuitSnapshot() of a client with the same kind of breaker, got ${typeof value === 'object' ? 'an object of another shape' : typeof value}`,
    );
  }
  return { initialState: structuredClone(value) };
}

/**
 * An outcome that counts neither way: a cancellation, a defect, a failed
 * credentials provider, or the request context's deadline — a caller's tight deadline must not open the circuit
 * for everyone, nor count as a healthy answer.
 */
function isNeutral(result: AttemptResult): boolean {
  if (result.ok) return false;
  const failure = result.failure;
  return NEUTRAL_KINDS.has(failure.kind) || (failure.kind === 'timeout' && failure.timeoutKind === 'deadline');
}

/** A 429 or 503: the upstream shedding load. */
function isShedding(result: AttemptResult): boolean {
  return !result.ok && result.failure.kind === 'status' && (result.failure.status === 503 || result.failure.status === 429);
}

/** An unhealthy answer the upstream actually gave: nothing sent proves nothing. */
function isFailure(outcome: CallOutcome): boolean {
  return outcome.sent > 0 && isUnhealthy(outcome.result);
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
  /** cockatiel's breaker (consecutive or sampling) the policy decides with; told of successes directly while closed. */
  readonly #breaker: ConsecutiveBreaker | SamplingBreaker;
  readonly #transitions: CircuitStateName[] = [];
  /** Cancelled half-open probes, counted as failures: cockatiel closes the circuit on an unhandled error there. */
  readonly #cancelledProbes = new WeakSet<CallOutcome>();

  /** True when a 429 or 503 counts neither way: the client throttles itself on them (adaptive throttling). */
  readonly #sheddingIsNeutral: boolean;

  /**
   * @param options - Resolved breaker settings.
   * @param sheddingIsNeutral - Whether 429 and 503 answers count neither way, as they do when adaptive throttling is on:
   *   a brownout's shedding is then answered by sending less, not by refusing every call for `halfOpenAfter`.
   */
  constructor(options: ResolvedBreaker, sheddingIsNeutral = false) {
    this.#sheddingIsNeutral = sheddingIsNeutral;
    const breaker = options.sampling === undefined
      ? new ConsecutiveBreaker(options.consecutiveFailures)
      : new SamplingBreaker(options.sampling);
    this.#breaker = breaker;
    this.#policy = circuitBreaker(
      handleWhenResult((outcome) => isFailure(outcome as CallOutcome) || this.#cancelledProbes.has(outcome as CallOutcome)),
      { halfOpenAfter: options.halfOpenAfter, breaker, ...restoredState(options) },
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

  /** cockatiel's serialisable state, for `circuitBreaker.initialState`: a copy, which later calls do not change. */
  snapshot(): unknown {
    // toJSON() hands out live objects (the sampling breaker's windows): copy them.
    return structuredClone(this.#policy.toJSON());
  }

  /** State changes since the last call, oldest first. */
  takeTransitions(): readonly CircuitStateName[] {
    return this.#transitions.length === 0 ? NO_TRANSITIONS : this.#transitions.splice(0);
  }

  /** True while the circuit is closed: calls run outside cockatiel, and {@link Breaker.record} counts their outcomes. */
  get isClosed(): boolean {
    return this.#policy.state === CircuitState.Closed;
  }

  /**
   * Counts an answer that ran while the circuit was closed, outside
   * cockatiel: a success is told to the breaker directly; a failure — off the
   * healthy path — is handed to cockatiel's policy as its result, which
   * counts it and opens the circuit when the breaker says so. The same
   * decisions as running the attempt inside the policy, for two async frames
   * and three allocations fewer per healthy call. Returns a promise only for
   * a failure, settled once it is counted.
   */
  record(answer: CallOutcome): Promise<void> | undefined {
    // Another call may have opened the circuit meanwhile: a late answer then counts neither way, as a neutral one.
    if (this.#policy.state !== CircuitState.Closed || this.#countsNeitherWay(answer)) return undefined;
    if (!isFailure(answer)) {
      this.#breaker.success(CircuitState.Closed);
      return undefined;
    }
    return this.#policy.execute(() => Promise.resolve(answer)).then(
      () => undefined,
      () => undefined,
    );
  }

  /** A cancelled call, one refused before it left, one that sent nothing, or shedding the throttle owns. */
  #countsNeitherWay(answer: CallOutcome): boolean {
    return answer.sent === 0 || isNeutral(answer.result) || (this.#sheddingIsNeutral && isShedding(answer.result));
  }

  /**
   * Runs `next` for `call` through cockatiel's policy, when the circuit is
   * not closed: an open (or isolated) circuit comes back as a `circuit-open`
   * failure with nothing sent; a half-open one lets its probe through.
   */
  async guard(next: Step, call: Call): Promise<CallOutcome> {
    const signal = call.signal;
    try {
      return await this.#policy.execute(async () => {
        // `next` runs outside Closed only as a half-open probe: cockatiel 4 enters HalfOpen before running it (3.x ran it
        // while still Open).
        const state = this.#policy.state;
        const probe = state === CircuitState.HalfOpen || state === CircuitState.Open;
        const answer = await next(call);
        if (this.#countsNeitherWay(answer)) {
          // A cancelled probe proves nothing about the upstream: reopen rather than let cockatiel close.
          if (!probe) throw new NeutralOutcome(answer);
          this.#cancelledProbes.add(answer);
        }
        return answer;
      }, signal);
    } catch (error) {
      if (error instanceof NeutralOutcome) return error.outcome;
      if (isBrokenCircuitError(error) || error instanceof IsolatedCircuitError) {
        return outcome({ ok: false, failure: { kind: 'circuit-open', cause: error } }, 0);
      }
      if (error instanceof TaskCancelledError) {
        return outcome({ ok: false, failure: { kind: 'aborted', cause: signal?.reason } }, 0);
      }
      throw error;
    }
  }
}
