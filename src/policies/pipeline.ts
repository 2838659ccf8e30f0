import type { Clock } from '../context/clock.js';
import { SYSTEM_CLOCK } from '../context/clock.js';
import type { EventSink } from '../events/events.js';
import type { AttemptResponse, AttemptResult } from '../transport/attempt-result.js';
import type { Transport } from '../transport/attempt.js';
import { isCallerError } from '../transport/dispatcher.js';
import type { AttemptCredentialsConfig } from './attempt-credentials.js';
import { TransportAttempts } from './attempts.js';
import { bulkheadLayer } from './bulkhead.js';
import type { ResolvedBulkhead } from './bulkhead.js';
import { Call } from './call.js';
import { Breaker } from './circuit-breaker/breaker.js';
import type { CircuitStateName } from './circuit-breaker/breaker.js';
import { circuitBreakerLayer } from './circuit-breaker/layer.js';
import type { BreakerPolicies } from './circuit-breaker/layer.js';
import type { ResolvedBreaker } from './circuit-breaker/options.js';
import { compose } from './compose.js';
import type { LayerFactory, Step } from './compose.js';
import { deadlineLayer } from './deadline/deadline.js';
import { streamBody } from './download.js';
import type { DownloadSteps } from './download.js';
import { hedgingLayer } from './hedging.js';
import type { HedgingPolicies, ResolvedHedging } from './hedging.js';
import { instrumentation } from './instrumentation.js';
import { failed, outcome } from './outcome.js';
import type { CallOutcome } from './outcome.js';
import type { OutgoingRequest } from './outgoing-request.js';
import { OverloadControl, overloadLayer } from './overload.js';
import type { OverloadConfig } from './overload.js';
import { RetryBudget } from './retry/budget.js';
import { spendRetry } from './retry/spend.js';
import type { ResolvedBudget } from './retry/budget.js';
import { retryLayer } from './retry/layer.js';
import type { RetryPolicies } from './retry/layer.js';
import { settleCall } from './settle.js';

/** The client-wide policies, resolved; `undefined` turns a policy off. */
export interface PipelineConfig extends AttemptCredentialsConfig, OverloadConfig {
  /** The upstream's name, in events and errors. */
  readonly name: string;
  readonly circuitBreaker: ResolvedBreaker | undefined;
  readonly bulkhead: ResolvedBulkhead | undefined;
  readonly budget: ResolvedBudget | undefined;
  readonly hedging: ResolvedHedging | undefined;
}

/** What the layers of one client share, built once: each layer's module states, as a type, the part it reads. */
interface ClientPolicies extends RetryPolicies, BreakerPolicies, HedgingPolicies {
  readonly config: PipelineConfig;
}

/**
 * The policy order of shared/DESIGN.md, outermost first; the attempts
 * (credentials → attempt timeout → `beforeAttempt` hook → transport) are
 * the centre. A new policy is one module exporting a {@link LayerFactory}
 * and one line here.
 */
const ORDER: readonly LayerFactory<ClientPolicies>[] = [
  bulkheadLayer,
  deadlineLayer,
  retryLayer,
  circuitBreakerLayer,
  overloadLayer,
  hedgingLayer,
];

/** The parsed body of an answer. */
function dataOf(response: AttemptResponse): unknown {
  return response.data;
}

/** What a download's resumes go through: its retries are the resumes themselves, its slot and deadline are the call's. */
const RESUME_ORDER = ORDER.slice(ORDER.indexOf(circuitBreakerLayer));

/**
 * The policies of one client, composed once from {@link ORDER} and applied
 * to every call. The request context's deadline bounds the total timeout,
 * and the context's signal cancels the call like its own `signal`.
 */
export class Pipeline {
  readonly #name: string;
  readonly #sink: EventSink;
  readonly #breaker: Breaker | undefined;
  readonly #chain: Step;
  /** What a streamed body's resumes and end use of this pipeline; made once per client. */
  readonly #steps: DownloadSteps;

  /**
   * @param config - The client-wide policies.
   * @param transport - Sends one attempt.
   * @param sink - Where events go.
   * @param clock - The wall clock and random source the policies read.
   */
  constructor(config: PipelineConfig, transport: Transport, sink: EventSink, clock: Clock = SYSTEM_CLOCK) {
    this.#name = config.name;
    this.#sink = sink;
    // With adaptive throttling on, shedding answers (429, 503) are its signal, not the breaker's.
    this.#breaker = config.circuitBreaker === undefined ? undefined : new Breaker(config.circuitBreaker, config.adaptiveThrottling !== undefined);
    const budget = config.budget === undefined ? undefined : new RetryBudget(config.budget, () => clock.now());
    const attempts = new TransportAttempts(config, transport, sink);
    const policies: ClientPolicies = {
      config,
      sink,
      clock,
      breaker: this.#breaker,
      budget,
      overload: new OverloadControl(config, sink, clock),
      attempts,
    };
    this.#chain = compose(ORDER, policies, attempts.run);
    this.#steps = {
      sink,
      clock,
      overload: policies.overload,
      attempt: compose(RESUME_ORDER, policies, attempts.run),
      breakerOpen: () => this.#breaker?.isOpen === true,
      retryAllowed: (call, attempt, reason) => spendRetry(budget, sink, call, attempt, 'retry', reason),
      settle: (call, result, sent, budgetExhausted) => settleCall(call, result, sent, budgetExhausted, sink),
    };
  }

  /** The breaker's state; `closed` when there is no breaker. */
  get circuitState(): CircuitStateName {
    return this.#breaker?.state ?? 'closed';
  }

  /** The breaker's serialisable state, or `undefined` when there is no breaker. */
  circuitSnapshot(): unknown {
    return this.#breaker?.snapshot();
  }

  /** Runs one call; resolves to the response or rejects with an `UpstreamError`. */
  run(request: OutgoingRequest): Promise<AttemptResponse> {
    return this.#start(request, false) as Promise<AttemptResponse>;
  }

  /**
   * Runs one call whose body is read whole (never a stream); resolves to the
   * parsed body alone — what `get`, `post` and the like hand back, without an
   * async frame of their own to pick it out.
   */
  runForData(request: OutgoingRequest): Promise<unknown> {
    return this.#start(request, true);
  }

  #start(request: OutgoingRequest, dataOnly: boolean): Promise<unknown> {
    const call = new Call(this.#name, request);
    const hooks = instrumentation.current;
    if (hooks === undefined) return this.#run(call, dataOnly);
    // Tracing reads the whole answer (its status); the body is picked out after.
    const traced = hooks.runCall(call, () => this.#run(call, false) as Promise<AttemptResponse>);
    return dataOnly ? traced.then(dataOf) : traced;
  }

  async #run(call: Call, dataOnly: boolean): Promise<unknown> {
    let answer: CallOutcome;
    try {
      answer = await this.#admitted(call);
    } catch (error) {
      // A defect in a policy must still reach the caller as an UpstreamError, never raw.
      answer = failed({ kind: 'unexpected', cause: error });
    }
    const result = answer.result;
    const attempt = call.takeAttempt();
    if (result.ok && attempt !== undefined && result.response.body != null) return streamBody(call, result.response, attempt, answer.sent, this.#steps);
    attempt?.dispose();
    call.endBody();
    call.dispose();
    // Bad input found only when sending (a dispatcher the running fetch refuses) rejects as the caller's TypeError.
    if (!result.ok && result.failure.kind === 'unexpected' && isCallerError(result.failure.cause)) throw result.failure.cause;
    const error = settleCall(call, result, answer.sent, answer.budgetExhausted, this.#sink);
    if (error !== undefined) throw error;
    const response = (result as Extract<AttemptResult, { ok: true }>).response;
    return dataOnly ? response.data : response;
  }

  /** The call through the chain, unless it was cancelled or its context's deadline passed before it began. */
  #admitted(call: Call): Promise<CallOutcome> {
    const signal = call.signal;
    if (signal?.aborted === true) return Promise.resolve(failed({ kind: 'aborted', cause: signal.reason }));
    if (call.pastContextDeadline()) return Promise.resolve(outcome(call.contextExpired(), 0));
    return this.#chain(call);
  }
}
