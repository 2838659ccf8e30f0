import { subscribe, unsubscribe } from 'node:diagnostics_channel';

import type { Attributes, Counter, Histogram, Meter } from '@opentelemetry/api';

import { CHANNELS } from '../events/events.js';
import type {
  BudgetExhaustedEvent,
  CallEventBase,
  CircuitEvent,
  HedgeEvent,
  RequestEndEvent,
  RetryEvent,
  ThrottleEvent,
} from '../events/events.js';
import { ATTR, methodAttribute } from './attributes.js';

/** The HTTP semantic conventions' duration buckets, in seconds (the SDK's defaults assume milliseconds). */
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

/** The names of the metrics on the meter `resilient-http`; each point carries `service` and `http.request.method`. */
export const METRIC = Object.freeze({
  /** Histogram, seconds: one point per call, waits included; `error.type` on failed calls. */
  callDuration: 'resilient_http.call.duration',
  /** Counter: requests sent, retries and hedges included; `error.type` on failed attempts. */
  attempts: 'resilient_http.attempts',
  /** Counter: retries scheduled, with `reason` (`status 503`, `ECONNREFUSED`, `attempt timeout`). */
  retries: 'resilient_http.retries',
  /** Counter: hedges sent. */
  hedges: 'resilient_http.hedges',
  /** Counter: retries and hedges the retry budget refused, with `refused` (`retry` or `hedge`). */
  budgetExhausted: 'resilient_http.retry_budget.exhausted',
  /** Counter: breaker state changes, with `state` (`open`, `half-open`, `closed`). */
  circuitTransitions: 'resilient_http.circuit.transitions',
  /**
   * Counter: local overload decisions, with `decision` (`throttled`, `waited`, `paused`, `fallback`,
   * `restored`) and `reason` (`adaptive`, `rate-limit`, `retry-after`, `store`).
   */
  throttleDecisions: 'resilient_http.throttle.decisions',
});

function baseAttributes(service: string, method: string): Attributes {
  return { [ATTR.service]: service, [ATTR.method]: methodAttribute(method) };
}

function eventAttributes(event: CallEventBase): Attributes {
  return baseAttributes(event.service, event.method);
}

/**
 * The resilience metrics of every client in the process: call durations and
 * policy counters fed by the diagnostics-channel events, attempts fed by the
 * pipeline (the events say nothing of an attempt that was not retried).
 */
export class ResilienceMetrics {
  readonly #callDuration: Histogram;
  readonly #attempts: Counter;
  readonly #retries: Counter;
  readonly #hedges: Counter;
  readonly #budgetExhausted: Counter;
  readonly #circuitTransitions: Counter;
  readonly #throttleDecisions: Counter;
  readonly #subscriptions: ReadonlyArray<readonly [string, (message: unknown) => void]>;

  /** @param meter - The meter the instruments are made on. */
  constructor(meter: Meter) {
    this.#callDuration = meter.createHistogram(METRIC.callDuration, {
      description: 'Duration of resilient-http calls: every attempt, backoff wait and hedge.',
      unit: 's',
      advice: { explicitBucketBoundaries: DURATION_BUCKETS },
    });
    this.#attempts = meter.createCounter(METRIC.attempts, { description: 'Requests sent to upstreams, retries and hedges included.', unit: '{attempt}' });
    this.#retries = meter.createCounter(METRIC.retries, { description: 'Retries scheduled after a failed attempt.', unit: '{retry}' });
    this.#hedges = meter.createCounter(METRIC.hedges, { description: 'Hedged requests sent because an attempt was slow.', unit: '{hedge}' });
    this.#budgetExhausted = meter.createCounter(METRIC.budgetExhausted, {
      description: 'Retries and hedges refused by the retry budget.',
      unit: '{refusal}',
    });
    this.#circuitTransitions = meter.createCounter(METRIC.circuitTransitions, {
      description: 'Circuit breaker state changes.',
      unit: '{transition}',
    });
    this.#throttleDecisions = meter.createCounter(METRIC.throttleDecisions, {
      description: 'Local overload decisions: attempts refused or delayed by adaptive throttling, the rate limit and Retry-After pauses; fleet store fallbacks.',
      unit: '{decision}',
    });
    this.#subscriptions = [
      [CHANNELS['request:end'], (message) => {
        this.#recordCall(message as RequestEndEvent);
      }],
      [CHANNELS.retry, (message) => {
        const event = message as RetryEvent;
        this.#retries.add(1, { ...eventAttributes(event), [ATTR.reason]: event.reason });
      }],
      [CHANNELS.hedge, (message) => {
        this.#hedges.add(1, eventAttributes(message as HedgeEvent));
      }],
      [CHANNELS['budget-exhausted'], (message) => {
        const event = message as BudgetExhaustedEvent;
        this.#budgetExhausted.add(1, { ...eventAttributes(event), [ATTR.refused]: event.refused });
      }],
      [CHANNELS.circuit, (message) => {
        const event = message as CircuitEvent;
        this.#circuitTransitions.add(1, { ...eventAttributes(event), [ATTR.state]: event.state });
      }],
      [CHANNELS.throttle, (message) => {
        const event = message as ThrottleEvent;
        this.#throttleDecisions.add(1, { ...eventAttributes(event), [ATTR.decision]: event.decision, [ATTR.reason]: event.reason });
      }],
    ];
  }

  /** Starts listening to the diagnostics channels. */
  subscribe(): void {
    for (const [name, handler] of this.#subscriptions) subscribe(name, handler);
  }

  /** Stops listening. */
  unsubscribe(): void {
    for (const [name, handler] of this.#subscriptions) unsubscribe(name, handler);
  }

  /** Counts one attempt; `errorType` is the code of its failure, absent when it answered well. */
  recordAttempt(service: string, method: string, errorType: string | undefined): void {
    const attributes = baseAttributes(service, method);
    if (errorType !== undefined) attributes[ATTR.errorType] = errorType;
    this.#attempts.add(1, attributes);
  }

  #recordCall(event: RequestEndEvent): void {
    const attributes = eventAttributes(event);
    if (event.status !== undefined) attributes[ATTR.statusCode] = event.status;
    if (event.error !== undefined) attributes[ATTR.errorType] = event.error.code;
    this.#callDuration.record(event.durationMs / 1000, attributes);
  }
}
