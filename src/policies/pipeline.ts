import { bulkhead } from 'cockatiel';
import type { BulkheadPolicy } from 'cockatiel';
import type { KyInstance } from 'ky';

import { sendAttempt } from '../client/attempt.js';
import type { ResolvedClientOptions } from '../client/options.js';
import type { PreparedRequest } from '../client/prepared-request.js';
import type { CircuitStateName, ClientResponse } from '../client/types.js';
import { toUpstreamError } from '../errors/translate.js';
import type { EventSink } from '../events/events.js';
import { ATTEMPT_TIMEOUT, AttemptSignal, TOTAL_TIMEOUT, sleep } from './abort.js';
import { throughBulkhead } from './bulkhead.js';
import { Call, failed } from './call.js';
import type { CallOutcome } from './call.js';
import { Breaker } from './circuit-breaker.js';
import type { GuardedOutcome } from './circuit-breaker.js';
import { runHedged } from './hedging.js';
import type { RunningAttempt } from './hedging.js';
import { RetryBudget } from './retry-budget.js';
import { decideRetry, isTransient } from './retry-decision.js';

/**
 * The policies of one client, built once, applied to every call, outside in:
 * bulkhead → total timeout → retry (with budget) → circuit breaker → hedging
 * → attempt timeout → ky. The total timeout is not a layer of its own: every
 * attempt's single timer fires at the earlier of its own limit and the call's
 * deadline, and no backoff wait is started that would pass the deadline.
 */
export class Pipeline {
  readonly #ky: KyInstance;
  readonly #options: ResolvedClientOptions;
  readonly #sink: EventSink;
  readonly #breaker: Breaker | undefined;
  readonly #bulkhead: BulkheadPolicy | undefined;
  readonly #budget: RetryBudget | undefined;
  readonly #fetch: typeof fetch;

  /**
   * @param ky - The ky instance (its own retry and timeout off).
   * @param options - The client's resolved options.
   * @param sink - Where events go.
   */
  constructor(ky: KyInstance, options: ResolvedClientOptions, sink: EventSink) {
    this.#ky = ky;
    this.#options = options;
    this.#sink = sink;
    this.#breaker = options.circuitBreaker === undefined ? undefined : new Breaker(options.circuitBreaker);
    this.#bulkhead = options.bulkhead === undefined ? undefined : bulkhead(options.bulkhead.limit, options.bulkhead.queue);
    this.#budget = options.budget === undefined ? undefined : new RetryBudget(options.budget);
    // Each attempt hands its signal to fetch directly (see sendAttempt); the global fetch is read at call time (msw).
    const fetchImpl = options.fetch;
    this.#fetch = fetchImpl ?? ((input, init) => globalThis.fetch(input, init));
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
  async run(request: PreparedRequest): Promise<ClientResponse<unknown>> {
    const call = new Call(this.#options.name, request);
    if (this.#sink.wants('request:start')) this.#sink.emit('request:start', call.base());
    this.#budget?.recordRequest();

    let outcome: CallOutcome;
    try {
      outcome = await this.#guarded(call);
    } catch (error) {
      // A defect in a policy must still reach the caller as an UpstreamError, never raw.
      outcome = failed({ kind: 'unexpected', cause: error });
    }
    const durationMs = performance.now() - request.startedAt;
    if (outcome.result.ok) {
      if (this.#sink.wants('request:end')) {
        const response = outcome.result.response;
        this.#sink.emit('request:end', { ...call.base(), status: response.status, attempts: outcome.sent, durationMs, error: undefined });
      }
      return outcome.result.response;
    }
    const failure = outcome.result.failure;
    const error = toUpstreamError(failure, {
      service: this.#options.name,
      method: request.method,
      url: request.href,
      requestId: request.requestId,
      attempts: outcome.sent,
      durationMs,
      retryable: isTransient(failure, request.retry),
      budgetExhausted: outcome.budgetExhausted,
    });
    this.#sink.emit('request:end', {
      ...call.base(),
      status: failure.kind === 'status' ? failure.status : undefined,
      attempts: outcome.sent,
      durationMs,
      error,
    });
    throw error;
  }

  #guarded(call: Call): Promise<CallOutcome> {
    const signal = call.request.signal;
    if (signal?.aborted === true) return Promise.resolve(failed({ kind: 'aborted', cause: signal.reason }));
    if (this.#bulkhead === undefined) return this.#retrying(call);
    return throughBulkhead(this.#bulkhead, call, () => this.#retrying(call));
  }

  async #retrying(call: Call): Promise<CallOutcome> {
    call.admit();
    const request = call.request;
    let sent = 0;
    for (let attempt = 1; ; attempt++) {
      const outcome = await this.#throughBreaker(call);
      sent += outcome.sent;
      const result = outcome.result;
      if (result.ok) return { result, sent, budgetExhausted: false };

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
      if (this.#budget !== undefined && !this.#budget.tryAcquireRetry()) {
        this.#sink.emit('budget-exhausted', { ...call.base(), attempt, refused: 'retry', reason: answer.reason });
        return { result, sent, budgetExhausted: true };
      }
      this.#sink.emit('retry', { ...call.base(), attempt, waitMs: answer.delayMs, reason: answer.reason, fromRetryAfter: answer.fromRetryAfter });
      if (!(await sleep(answer.delayMs, request.signal))) return { result: call.cancelled(), sent, budgetExhausted: false };
    }
  }

  async #throughBreaker(call: Call): Promise<GuardedOutcome> {
    const breaker = this.#breaker;
    if (breaker === undefined) return this.#attempts(call);
    // While half-open, cockatiel holds other calls until its probe answers, deaf to their signals and
    // deadlines: such a call answers its own abort or deadline at once, and sends nothing if released later.
    const heldByProbe = breaker.state === 'half-open';
    const pending = breaker.execute(() => this.#attempts(call), call.request.signal);
    const outcome = heldByProbe ? await raceCallLimits(pending, call) : await pending;
    for (const state of breaker.takeTransitions()) {
      this.#sink.emit('circuit', { ...call.base(), state: state === 'isolated' ? 'open' : state });
    }
    return outcome;
  }

  async #attempts(call: Call): Promise<GuardedOutcome> {
    if (call.request.signal?.aborted === true) return { result: call.cancelled(), sent: 0 };
    const hedging = this.#options.hedging;
    if (hedging === undefined || !call.request.hedgeable) {
      const signal = this.#attemptSignal(call);
      if (signal === undefined) return { result: call.expired(), sent: 0 };
      try {
        return { result: await sendAttempt(this.#ky, call.request, signal.signal, this.#fetch), sent: 1 };
      } finally {
        signal.dispose();
      }
    }
    const groupStart = performance.now();
    return runHedged({
      delay: hedging.delay,
      maxHedges: hedging.maxHedges,
      start: () => this.#start(call),
      expired: () => call.expired(),
      mayHedge: (hedge) => {
        if (call.remaining() <= 0) return false;
        if (this.#budget !== undefined && !this.#budget.tryAcquireRetry()) {
          this.#sink.emit('budget-exhausted', { ...call.base(), attempt: hedge, refused: 'hedge', reason: 'slow attempt' });
          return false;
        }
        this.#sink.emit('hedge', { ...call.base(), hedge, afterMs: Math.round(performance.now() - groupStart) });
        return true;
      },
    });
  }

  /** One attempt's signal, firing at the earlier of the attempt timeout and the deadline; none when the deadline has passed. */
  #attemptSignal(call: Call): AttemptSignal | undefined {
    const remaining = call.remaining();
    if (remaining <= 0) return undefined;
    const { timeout, signal } = call.request;
    return remaining <= timeout.attempt
      ? new AttemptSignal(remaining, TOTAL_TIMEOUT, signal)
      : new AttemptSignal(timeout.attempt, ATTEMPT_TIMEOUT, signal);
  }

  /** Starts one hedged attempt. */
  #start(call: Call): RunningAttempt | undefined {
    const signal = this.#attemptSignal(call);
    if (signal === undefined) return undefined;
    const promise = sendAttempt(this.#ky, call.request, signal.signal, this.#fetch).finally(() => {
      signal.dispose();
    });
    return { promise, abort: (reason) => { signal.abort(reason); } };
  }
}

/** Settles with `pending`, or earlier — nothing sent — when the caller aborts or the deadline passes. */
function raceCallLimits(pending: Promise<GuardedOutcome>, call: Call): Promise<GuardedOutcome> {
  const signal = call.request.signal;
  return new Promise((resolve, reject) => {
    const finish = (outcome: GuardedOutcome): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      resolve(outcome);
    };
    const onAbort = (): void => {
      finish({ result: call.cancelled(), sent: 0 });
    };
    const timer = setTimeout(() => {
      finish({ result: call.expired(), sent: 0 });
    }, Math.max(0, call.remaining()));
    signal?.addEventListener('abort', onAbort, { once: true });
    pending.then(finish, (error: unknown) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      reject(error instanceof Error ? error : new Error(String(error)));
    });
  });
}
