import { channel } from 'node:diagnostics_channel';
import type { Channel } from 'node:diagnostics_channel';

/**
 * The error a failed call rejected with, as events carry it: always an
 * `UpstreamError`. Named by the fields events and their subscribers use, so
 * this ground-floor module imports nothing from the layers above it.
 */
export interface CallError extends Error {
  /** The error's stable code, e.g. `UPSTREAM_TIMEOUT`. */
  readonly code: string;
  /** The status this service should answer its own caller with. */
  readonly statusCode: number;
  /** The upstream's HTTP status, when it answered. */
  readonly upstreamStatus?: number | undefined;
  /** The system error code of a network failure, e.g. `ECONNREFUSED`. */
  readonly systemCode?: string | undefined;
  /** What the call's schema rejected (redacted, bounded), for a schema rejection. */
  readonly issues?: readonly CallErrorIssue[] | undefined;
  /** A safe, loggable object. */
  toJSON(): Record<string, unknown>;
}

/** One schema issue, as a `CallError` carries it. */
export interface CallErrorIssue {
  /** The validator's message, redacted. */
  readonly message: string;
  /** Where in the body: keys and indexes. */
  readonly path: readonly (string | number)[];
}

/** Fields every event carries: which upstream, which call. */
export interface CallEventBase {
  /** The upstream's name. */
  service: string;
  /** HTTP method. */
  method: string;
  /** The URL called, redacted. */
  url: string;
  /** The request ID sent on every attempt. */
  requestId: string;
}

/**
 * A call's first request is about to be sent (after the bulkhead admitted it and the breaker let it
 * through). A call rejected with nothing sent — open circuit, full bulkhead, cancelled or past its
 * deadline first — has no `request:start`, only a `request:end` with `attempts: 0`.
 * Channel `resilient-http:request:start`.
 */
export type RequestStartEvent = CallEventBase;

/** A call ended, answered or failed. Channel `resilient-http:request:end`. */
export interface RequestEndEvent extends CallEventBase {
  /** The final HTTP status, when the upstream answered. */
  status: number | undefined;
  /** Requests sent to the upstream, hedges included. */
  attempts: number;
  /** Time the call took, waits included, in ms. */
  durationMs: number;
  /** The error the call rejected with; absent on success. */
  error: CallError | undefined;
  /** True when the call failed with a status it named in `expectedStatus` (a normal answer for it). */
  expected: boolean;
}

/** A retry is about to wait. Channel `resilient-http:retry`. */
export interface RetryEvent extends CallEventBase {
  /** The attempt that failed (1 for the first). */
  attempt: number;
  /** The wait before the next attempt, in ms. */
  waitMs: number;
  /** Why: `status 503`, `ECONNREFUSED`, `attempt timeout`. */
  reason: string;
  /** True when the wait came from the upstream's `Retry-After`. */
  fromRetryAfter: boolean;
}

/** A hedge was sent because an attempt was slow. Channel `resilient-http:hedge`. */
export interface HedgeEvent extends CallEventBase {
  /** 1 for the first hedge of an attempt, 2 for the second, … */
  hedge: number;
  /** Time since the attempt group started, in ms. */
  afterMs: number;
}

/** A retry or hedge was refused by the retry budget. Channel `resilient-http:budget-exhausted`. */
export interface BudgetExhaustedEvent extends CallEventBase {
  /** Attempts made so far. */
  attempt: number;
  /** What was refused: `retry` or `hedge`. */
  refused: 'retry' | 'hedge';
  /** The failure that would have been retried, or `slow attempt`. */
  reason: string;
}

/** The circuit breaker changed state. Channel `resilient-http:circuit`. Fields are of the call that saw it. */
export interface CircuitEvent extends CallEventBase {
  /** The new state. */
  state: 'open' | 'half-open' | 'closed';
}

/** Every event by name. */
export interface ClientEventMap {
  /** A call's first request is about to be sent. */
  'request:start': RequestStartEvent;
  /** A call ended. */
  'request:end': RequestEndEvent;
  /** A retry is about to wait. */
  retry: RetryEvent;
  /** A hedge was sent. */
  hedge: HedgeEvent;
  /** The retry budget refused a retry or hedge. */
  'budget-exhausted': BudgetExhaustedEvent;
  /** The breaker changed state. */
  circuit: CircuitEvent;
}

/** Names of the events. */
export type ClientEventName = keyof ClientEventMap;

/**
 * The `node:diagnostics_channel` channel name of each event: the one channel
 * table. Subscribe with `diagnostics_channel.subscribe(CHANNELS.retry, (event) => …)`:
 * metrics and tracing need no dependency on this package's internals.
 */
export const CHANNELS: { readonly [K in ClientEventName]: `resilient-http:${K}` } = Object.freeze({
  'request:start': 'resilient-http:request:start',
  'request:end': 'resilient-http:request:end',
  retry: 'resilient-http:retry',
  hedge: 'resilient-http:hedge',
  'budget-exhausted': 'resilient-http:budget-exhausted',
  circuit: 'resilient-http:circuit',
});

/** The channel objects, derived from {@link CHANNELS}. */
const channels = Object.fromEntries(
  Object.entries(CHANNELS).map(([name, channelName]) => [name, channel(channelName)]),
) as { readonly [K in ClientEventName]: Channel };

/** Publishes `event` on its channel, building nothing when no one subscribes. */
function publish<K extends ClientEventName>(name: K, event: ClientEventMap[K]): void {
  const target = channels[name];
  if (target.hasSubscribers) target.publish(event);
}

/** Something that receives a client's events (the pino adapter is one). */
export interface EventSubscriber {
  /** True when this subscriber would do anything with events of this name (lets the client skip building them). */
  wants(name: ClientEventName): boolean;
  /** Receives one event. */
  receive<K extends ClientEventName>(name: K, event: ClientEventMap[K]): void;
}

/**
 * Where a client's policies publish: the client's own subscriber (its logs)
 * and the diagnostics channels. Policy code never logs by itself.
 */
export class EventSink {
  readonly #subscriber: EventSubscriber | undefined;

  /** @param subscriber - The client's own subscriber, e.g. the pino adapter. */
  constructor(subscriber: EventSubscriber | undefined) {
    this.#subscriber = subscriber;
  }

  /** True when anyone listens for `name`: callers build the event only then. */
  wants(name: ClientEventName): boolean {
    if (channels[name].hasSubscribers) return true;
    try {
      return this.#subscriber?.wants(name) ?? false;
    } catch {
      return false;
    }
  }

  /** Delivers an event to the subscriber and the channel. A throwing subscriber never breaks a call. */
  emit<K extends ClientEventName>(name: K, event: ClientEventMap[K]): void {
    try {
      this.#subscriber?.receive(name, event);
    } catch {
      // Logging must never turn a success into a failure.
    }
    publish(name, event);
  }
}
