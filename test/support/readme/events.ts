import { subscribe } from 'node:diagnostics_channel';
import { CHANNELS } from 'resilient-http';
import type { RequestEndEvent, RetryEvent } from 'resilient-http';

subscribe(CHANNELS['request:end'], (message) => {
  const event = message as RequestEndEvent;
  upstreamCalls.inc({ service: event.service, outcome: event.error?.code ?? 'ok' });
  upstreamRequestsSent.inc({ service: event.service }, event.attempts);
});
subscribe(CHANNELS.retry, (message) => {
  upstreamRetries.inc({ service: (message as RetryEvent).service });
});
// ---- above: the README snippet; below: what it leaves to the reader ----
/** A Prometheus-style counter, as prom-client has. */
interface Counter {
  inc(labels: Record<string, string>, value?: number): void;
}
declare const upstreamCalls: Counter;
declare const upstreamRequestsSent: Counter;
declare const upstreamRetries: Counter;
