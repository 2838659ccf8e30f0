import { BulkheadRejectedError, bulkhead } from 'cockatiel';
import type { BulkheadPolicy } from 'cockatiel';
import type { KyInstance } from 'ky';

import { sendAttempt } from '../client/attempt.js';
import type { ResolvedClientOptions } from '../client/options.js';
import type { PreparedRequest } from '../client/prepared-request.js';
import type { CircuitStateName, ClientResponse } from '../client/types.js';
import { toUpstreamError } from '../errors/translate.js';
import type { CallEventBase, EventSink } from '../events/events.js';
import { redactUrl } from '../logging/redact.js';
import { ATTEMPT_TIMEOUT, AttemptSignal, TOTAL_TIMEOUT, sleep } from './abort.js';
import type { AttemptFailure, AttemptResult } from './attempt-result.js';
import { Breaker } from './circuit-breaker.js';
import type { GuardedOutcome } from './circuit-breaker.js';
import { runHedged } from './hedging.js';
import type { RunningAttempt } from './hedging.js';
import { RetryBudget } from './retry-budget.js';
import { decideRetry, isTransient } from './retry-decision.js';

/** What one call came to, before it becomes a response or an error. */
interface CallOutcome {
  result: AttemptResult;
  sent: number;
  budgetExhausted: boolean;
}

/** The call's identity for events; the redacted URL is computed only if something reads it. */
class CallIdentity {
  #url: string | undefined;
  constructor(
    readonly service: string,
    readonly request: PreparedRequest,
  ) {}

  get url(): string {
    this.#url ??= redactUrl(this.request.href);
    return this.#url;
  }

  base(): CallEventBase {
    return { service: this.service, method: this.request.method, url: this.url, requestId: this.request.requestId };
  }
}

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
    const call = new CallIdentity(this.#options.name, request);
    if (this.#sink.wants('request:start')) this.#sink.emit('request:start', call.base());
    this.#budget?.recordRequest();

    let outcome: CallOutcome;
    try {
      outcome = await this.#guarded(request, call);
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

  async #guarded(request: PreparedRequest, call: CallIdentity): Promise<CallOutcome> {
    const signal = request.signal;
    if (signal?.aborted) return failed({ kind: 'aborted', cause: signal.reason });
    if (this.#bulkhead === undefined) return this.#retrying(request, call);
    // cockatiel is not given the caller's signal: it would only notice the abort of a queued call once a slot
    // frees, and that call's refusal then skips the dequeue, stalling the calls queued behind it. Instead a
    // queued call answers its abort at once, and when its slot comes it returns without sending anything.
    let started = false;
    const work = this.#bulkhead
      .execute(() => {
        started = true;
        return signal?.aborted ? Promise.resolve(failed({ kind: 'aborted', cause: signal.reason })) : this.#retrying(request, call);
      })
      .catch((error: unknown) => {
        if (error instanceof BulkheadRejectedError) return failed({ kind: 'concurrency-limit', cause: error });
        throw error;
      });
    if (signal === undefined) return work;
    return new Promise<CallOutcome>((resolve, reject) => {
      const onAbort = (): void => {
        if (!started) resolve(failed({ kind: 'aborted', cause: signal.reason }));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      work.then(resolve, reject).finally(() => {
        signal.removeEventListener('abort', onAbort);
      });
    });
  }

  async #retrying(request: PreparedRequest, call: CallIdentity): Promise<CallOutcome> {
    let sent = 0;
    for (let attempt = 1; ; attempt++) {
      const outcome = await this.#throughBreaker(request, call);
      sent += outcome.sent;
      const result = outcome.result;
      if (result.ok) return { result, sent, budgetExhausted: false };

      const answer = decideRetry({
        failure: result.failure,
        attempt,
        retry: request.retry,
        idempotent: request.idempotent,
        remainingMs: request.deadline - performance.now(),
        random: Math.random(),
      });
      // Never wait out a backoff to learn what the breaker already knows.
      if (!answer.retry || this.#breaker?.isOpen === true) return { result, sent, budgetExhausted: false };
      if (this.#budget !== undefined && !this.#budget.tryAcquireRetry()) {
        this.#sink.emit('budget-exhausted', { ...call.base(), attempt, refused: 'retry', reason: answer.reason });
        return { result, sent, budgetExhausted: true };
      }
      this.#sink.emit('retry', { ...call.base(), attempt, waitMs: answer.delayMs, reason: answer.reason, fromRetryAfter: answer.fromRetryAfter });
      if (!(await sleep(answer.delayMs, request.signal))) {
        return { result: { ok: false, failure: { kind: 'aborted', cause: request.signal?.reason } }, sent, budgetExhausted: false };
      }
    }
  }

  async #throughBreaker(request: PreparedRequest, call: CallIdentity): Promise<GuardedOutcome> {
    if (this.#breaker === undefined) return this.#attempts(request, call);
    const outcome = await this.#breaker.execute(() => this.#attempts(request, call), request.signal);
    for (const state of this.#breaker.takeTransitions()) {
      this.#sink.emit('circuit', { ...call.base(), state: state === 'isolated' ? 'open' : state });
    }
    return outcome;
  }

  async #attempts(request: PreparedRequest, call: CallIdentity): Promise<GuardedOutcome> {
    const hedging = this.#options.hedging;
    if (hedging === undefined || !request.hedgeable) {
      const signal = this.#attemptSignal(request);
      if (signal === undefined) return { result: totalTimeout(request), sent: 0 };
      try {
        return { result: await sendAttempt(this.#ky, request, signal.signal, this.#fetch), sent: 1 };
      } finally {
        signal.dispose();
      }
    }
    const groupStart = performance.now();
    return runHedged({
      delay: hedging.delay,
      maxHedges: hedging.maxHedges,
      start: () => this.#start(request) ?? { promise: Promise.resolve(totalTimeout(request)), abort: () => undefined },
      mayHedge: (hedge) => {
        if (request.deadline - performance.now() <= 0) return false;
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
  #attemptSignal(request: PreparedRequest): AttemptSignal | undefined {
    const remaining = request.deadline - performance.now();
    if (remaining <= 0) return undefined;
    return remaining <= request.timeout.attempt
      ? new AttemptSignal(remaining, TOTAL_TIMEOUT, request.signal)
      : new AttemptSignal(request.timeout.attempt, ATTEMPT_TIMEOUT, request.signal);
  }

  /** Starts one hedged attempt. */
  #start(request: PreparedRequest): RunningAttempt | undefined {
    const signal = this.#attemptSignal(request);
    if (signal === undefined) return undefined;
    const promise = sendAttempt(this.#ky, request, signal.signal, this.#fetch).finally(() => {
      signal.dispose();
    });
    return { promise, abort: (reason) => { signal.abort(reason); } };
  }
}

function failed(failure: AttemptFailure): CallOutcome {
  return { result: { ok: false, failure }, sent: 0, budgetExhausted: false };
}

function totalTimeout(request: PreparedRequest): AttemptResult {
  return { ok: false, failure: { kind: 'timeout', scope: 'total', timeoutMs: request.timeout.total, cause: undefined } };
}
