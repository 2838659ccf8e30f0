import { bulkhead } from 'cockatiel';
import type { BulkheadPolicy } from 'cockatiel';

import type { EventSink } from '../events/events.js';
import type { AttemptResponse, AttemptResult } from '../transport/attempt-result.js';
import type { AttemptOverrides } from '../transport/attempt-overrides.js';
import type { Transport } from '../transport/attempt.js';
import { isCallerError } from '../transport/dispatcher.js';
import { AttemptCredentials } from './attempt-credentials.js';
import type { AttemptCredentialsConfig, SendPrepared } from './attempt-credentials.js';
import { throughBulkhead } from './bulkhead.js';
import type { ResolvedBulkhead } from './bulkhead.js';
import { Call, failed } from './call.js';
import type { CallOutcome } from './call.js';
import { Breaker } from './circuit-breaker/breaker.js';
import type { CircuitStateName, GuardedOutcome } from './circuit-breaker/breaker.js';
import type { ResolvedBreaker } from './circuit-breaker/options.js';
import { attemptSignalFor, raceCallLimits } from './deadline/deadline.js';
import { runHedged } from './hedging.js';
import type { ResolvedHedging, RunningAttempt } from './hedging.js';
import { instrumentation } from './instrumentation.js';
import type { OutgoingRequest } from './outgoing-request.js';
import { OverloadControl } from './overload.js';
import type { OverloadConfig } from './overload.js';
import { RetryBudget } from './retry/budget.js';
import type { ResolvedBudget } from './retry/budget.js';
import { decideRetry } from './retry/decision.js';
import { settleCall } from './settle.js';
import { streamBody } from './download.js';
import type { DownloadSteps } from './download.js';
import { sleep } from './sleep.js';

/** The client-wide policies, resolved; `undefined` turns a policy off. */
export interface PipelineConfig extends AttemptCredentialsConfig, OverloadConfig {
  /** The upstream's name, in events and errors. */
  readonly name: string;
  readonly circuitBreaker: ResolvedBreaker | undefined;
  readonly bulkhead: ResolvedBulkhead | undefined;
  readonly budget: ResolvedBudget | undefined;
  readonly hedging: ResolvedHedging | undefined;
}

/**
 * The policies of one client, built once, applied to every call, outside in:
 * bulkhead → total timeout → retry (with budget) → circuit breaker → overload
 * (adaptive throttling, rate limit and pauses; a hedge asks it too) → hedging
 * → credentials → attempt timeout → `beforeAttempt` hook → transport (the
 * credentials, timeout and hook in {@link AttemptCredentials}, when `auth` or
 * `beforeAttempt` is set). The total timeout is not a layer of its own (see
 * {@link attemptSignalFor}); the request context's deadline bounds it, and
 * the context's signal cancels the call like its own `signal`.
 */
export class Pipeline {
  readonly #transport: Transport;
  readonly #config: PipelineConfig;
  readonly #sink: EventSink;
  readonly #breaker: Breaker | undefined;
  readonly #bulkhead: BulkheadPolicy | undefined;
  readonly #budget: RetryBudget | undefined;
  /** What a streamed body's resumes and end use of this pipeline; made once per client. */
  readonly #steps: DownloadSteps;
  /** Credentials and the `beforeAttempt` hook; `undefined` (both off) leaves the attempt path as it is. */
  readonly #perAttempt: AttemptCredentials | undefined;
  readonly #sendPrepared: SendPrepared = (call, signal, timeLeftMs, overrides) => this.#send(call, signal, timeLeftMs, overrides);
  readonly #overload: OverloadControl;

  /**
   * @param config - The client-wide policies.
   * @param transport - Sends one attempt.
   * @param sink - Where events go.
   */
  constructor(config: PipelineConfig, transport: Transport, sink: EventSink) {
    this.#transport = transport;
    this.#config = config;
    this.#sink = sink;
    // With adaptive throttling on, shedding answers (429, 503) are its signal, not the breaker's.
    this.#breaker = config.circuitBreaker === undefined ? undefined : new Breaker(config.circuitBreaker, config.adaptiveThrottling !== undefined);
    this.#bulkhead = config.bulkhead === undefined ? undefined : bulkhead(config.bulkhead.limit, config.bulkhead.queue);
    this.#budget = config.budget === undefined ? undefined : new RetryBudget(config.budget);
    this.#steps = {
      sink,
      attempt: async (call) => {
        const outcome = await this.#throughBreaker(call);
        this.#reportTransitions(call);
        return outcome;
      },
      breakerOpen: () => this.#breaker?.isOpen === true,
      retryAllowed: (call, attempt, reason) => this.#retryAllowed(call, attempt, reason),
      settle: (call, result, sent, budgetExhausted) => settleCall(call, result, sent, budgetExhausted, this.#sink),
    };
    this.#perAttempt = AttemptCredentials.for(config);
    this.#overload = new OverloadControl(config, sink);
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
    const call = new Call(this.#config.name, request);
    const hooks = instrumentation.current;
    return hooks === undefined ? this.#run(call) : hooks.runCall(call, () => this.#run(call));
  }

  async #run(call: Call): Promise<AttemptResponse> {
    this.#budget?.recordRequest();

    let outcome: CallOutcome;
    try {
      outcome = await this.#guarded(call);
    } catch (error) {
      // A defect in a policy must still reach the caller as an UpstreamError, never raw.
      outcome = failed({ kind: 'unexpected', cause: error });
    }
    const result = outcome.result;
    const attempt = call.takeAttempt();
    if (result.ok && attempt !== undefined && result.response.body != null) return streamBody(call, result.response, attempt, outcome.sent, this.#steps);
    attempt?.dispose();
    call.endBody();
    call.dispose();
    // Bad input found only when sending (a dispatcher the running fetch refuses) rejects as the caller's TypeError.
    if (!result.ok && result.failure.kind === 'unexpected' && isCallerError(result.failure.cause)) throw result.failure.cause;
    const error = settleCall(call, result, outcome.sent, outcome.budgetExhausted, this.#sink);
    if (error !== undefined) throw error;
    return (result as Extract<AttemptResult, { ok: true }>).response;
  }

  #guarded(call: Call): Promise<CallOutcome> {
    const signal = call.signal;
    if (signal?.aborted === true) return Promise.resolve(failed({ kind: 'aborted', cause: signal.reason }));
    if (call.pastContextDeadline()) return Promise.resolve({ result: call.contextExpired(), sent: 0, budgetExhausted: false });
    if (this.#bulkhead === undefined) return this.#retrying(call);
    if (call.request.responseType !== 'stream') return throughBulkhead(this.#bulkhead, call, () => this.#retrying(call));
    // A download holds its slot until its body ends: the bulkhead's work settles then, the call at its headers.
    const bulkhead = this.#bulkhead;
    return new Promise<CallOutcome>((resolve, reject) => {
      throughBulkhead(bulkhead, call, async () => {
        const outcome = await this.#retrying(call);
        resolve(outcome);
        if (call.bodyEnded !== undefined) await call.bodyEnded;
        return outcome;
      }).then(resolve, reject);
    });
  }

  async #retrying(call: Call): Promise<CallOutcome> {
    call.admit();
    const request = call.request;
    let sent = 0;
    for (let attempt = 1; ; attempt++) {
      const outcome = await this.#throughBreaker(call);
      this.#reportTransitions(call);
      sent += outcome.sent;
      const result = outcome.result;
      if (result.ok) return { result, sent, budgetExhausted: false };
      this.#overload.noteFailure(call, result.failure);

      const answer = decideRetry({
        failure: result.failure,
        attempt,
        retry: request.retry,
        idempotent: request.idempotent,
        remainingMs: call.remaining(),
        random: Math.random(),
      });
      // Never wait out a backoff to learn what the breaker already knows.
      if (!answer.retry || this.#breaker?.isOpen === true) return { result, sent, budgetExhausted: false };
      if (!this.#retryAllowed(call, attempt, answer.reason)) return { result, sent, budgetExhausted: true };
      if (this.#sink.wants('retry')) {
        this.#sink.emit('retry', { ...call.base(), attempt, waitMs: answer.delayMs, reason: answer.reason, fromRetryAfter: answer.fromRetryAfter });
      }
      if (!(await sleep(answer.delayMs, call.signal))) return { result: call.cancelled(), sent, budgetExhausted: false };
    }
  }

  /** True when the retry budget allows one more retry; reports its refusal otherwise. */
  #retryAllowed(call: Call, attempt: number, reason: string): boolean {
    if (this.#budget === undefined || this.#budget.tryAcquireRetry()) return true;
    if (this.#sink.wants('budget-exhausted')) this.#sink.emit('budget-exhausted', { ...call.base(), attempt, refused: 'retry', reason });
    return false;
  }

  /** One attempt (or hedged group) through the breaker; the caller reports the transitions it caused once it settles. */
  #throughBreaker(call: Call): Promise<GuardedOutcome> {
    const breaker = this.#breaker;
    if (breaker === undefined) return this.#gated(call);
    // While half-open, cockatiel holds other calls until its probe answers, deaf to their signals and
    // deadlines: such a call answers its own abort or deadline at once, and sends nothing if released later.
    const heldByProbe = breaker.state === 'half-open';
    const pending = breaker.execute(() => this.#gated(call), call.signal);
    return heldByProbe ? raceCallLimits(pending, call) : pending;
  }

  /** Emits the breaker's state changes since the last report, with the fields of the call that saw them. */
  #reportTransitions(call: Call): void {
    const breaker = this.#breaker;
    if (breaker === undefined) return;
    for (const state of breaker.takeTransitions()) {
      if (this.#sink.wants('circuit')) this.#sink.emit('circuit', { ...call.base(), state: state === 'isolated' ? 'open' : state });
    }
  }

  /** Per attempt: adaptive throttling, the rate limit and pauses (see {@link OverloadControl}), when any is at work. */
  #gated(call: Call): Promise<GuardedOutcome> {
    const overload = this.#overload;
    return overload.passive ? this.#attempts(call) : overload.run(call, () => this.#attempts(call));
  }

  async #attempts(call: Call): Promise<GuardedOutcome> {
    if (call.signal?.aborted === true) return { result: call.cancelled(), sent: 0 };
    const hedging = this.#config.hedging;
    if (hedging === undefined || !call.request.hedgeable) {
      if (this.#perAttempt !== undefined) return this.#perAttempt.run(call, this.#sendPrepared);
      const signal = attemptSignalFor(call);
      if (signal === undefined) return { result: call.expired(), sent: 0 };
      const result = await this.#send(call, signal.signal, signal.ms);
      // A streamed body is still to be read: its attempt (and the connection it aborts) lives on.
      if (result.ok && result.response.body != null) call.adoptAttempt(signal);
      else signal.dispose();
      return { result, sent: 1 };
    }
    const groupStart = performance.now();
    return runHedged({
      delay: hedging.delay,
      maxHedges: hedging.maxHedges,
      start: () => this.#start(call),
      expired: () => call.expired(),
      mayHedge: (hedge) => {
        if (call.remaining() <= 0 || !this.#overload.admitsHedge(call)) return false;
        if (this.#budget !== undefined && !this.#budget.tryAcquireRetry()) {
          if (this.#sink.wants('budget-exhausted')) {
            this.#sink.emit('budget-exhausted', { ...call.base(), attempt: hedge, refused: 'hedge', reason: 'slow attempt' });
          }
          return false;
        }
        if (this.#sink.wants('hedge')) this.#sink.emit('hedge', { ...call.base(), hedge, afterMs: Math.round(performance.now() - groupStart) });
        return true;
      },
    });
  }

  /** Starts one hedged attempt. */
  #start(call: Call): RunningAttempt | undefined {
    if (this.#perAttempt !== undefined) return this.#perAttempt.start(call, this.#sendPrepared);
    const signal = attemptSignalFor(call);
    if (signal === undefined) return undefined;
    const promise = this.#send(call, signal.signal, signal.ms).finally(() => {
      signal.dispose();
    });
    return { promise, abort: (reason) => { signal.abort(reason); } };
  }

  /** Sends one attempt, through the instrumentation when one is installed. */
  #send(call: Call, signal: AbortSignal, timeLeftMs: number, overrides?: AttemptOverrides): Promise<AttemptResult> {
    // request:start marks the call's first request, so a call rejected with nothing sent has no start (nor its log line).
    if (!call.started) {
      call.started = true;
      if (this.#sink.wants('request:start')) this.#sink.emit('request:start', call.base());
    }
    const hooks = instrumentation.current;
    if (hooks === undefined) return this.#transport.send(call.attemptRequest, signal, timeLeftMs, overrides);
    return hooks.runAttempt(call, () => this.#transport.send(call.attemptRequest, signal, timeLeftMs, overrides));
  }
}
