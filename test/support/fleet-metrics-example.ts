/**
 * README example: count a client's events with `node:diagnostics_channel`,
 * with no dependency on the SDK's internals and no logger in the way. Swap
 * the plain counters for prom-client or OpenTelemetry counters in a service.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';

import { CHANNELS } from 'resilient-http';
import type { BudgetExhaustedEvent, CircuitEvent, HedgeEvent, RequestEndEvent, RetryEvent } from 'resilient-http';

/** Counters per upstream service. */
export interface UpstreamCounters {
  calls: number;
  /** Requests sent, hedges and retries included. */
  requestsSent: number;
  /** Failed calls by error code (`UPSTREAM_TIMEOUT`, …). */
  failures: Record<string, number>;
  retries: number;
  hedges: number;
  budgetRefusals: number;
  circuitOpened: number;
}

/** Subscribes counters to every channel; `stop()` unsubscribes. */
export function countUpstreamEvents(): { byService: Map<string, UpstreamCounters>; stop: () => void } {
  const byService = new Map<string, UpstreamCounters>();
  const counters = (service: string): UpstreamCounters => {
    let entry = byService.get(service);
    if (entry === undefined) {
      entry = { calls: 0, requestsSent: 0, failures: {}, retries: 0, hedges: 0, budgetRefusals: 0, circuitOpened: 0 };
      byService.set(service, entry);
    }
    return entry;
  };

  const handlers = {
    [CHANNELS['request:end']]: (message: unknown) => {
      const event = message as RequestEndEvent;
      const entry = counters(event.service);
      entry.calls++;
      entry.requestsSent += event.attempts;
      if (event.error !== undefined) entry.failures[event.error.code] = (entry.failures[event.error.code] ?? 0) + 1;
    },
    [CHANNELS.retry]: (message: unknown) => {
      counters((message as RetryEvent).service).retries++;
    },
    [CHANNELS.hedge]: (message: unknown) => {
      counters((message as HedgeEvent).service).hedges++;
    },
    [CHANNELS['budget-exhausted']]: (message: unknown) => {
      counters((message as BudgetExhaustedEvent).service).budgetRefusals++;
    },
    [CHANNELS.circuit]: (message: unknown) => {
      const event = message as CircuitEvent;
      if (event.state === 'open') counters(event.service).circuitOpened++;
    },
  };
  for (const [name, handler] of Object.entries(handlers)) subscribe(name, handler);
  return {
    byService,
    stop: () => {
      for (const [name, handler] of Object.entries(handlers)) unsubscribe(name, handler);
    },
  };
}
