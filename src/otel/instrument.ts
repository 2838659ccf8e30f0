import { metrics, trace } from '@opentelemetry/api';
import type { MeterProvider, TracerProvider } from '@opentelemetry/api';

import { instrumentation } from '../policies/instrumentation.js';
import { CallTracing } from './call-tracing.js';
import { ResilienceMetrics } from './metrics.js';

/** The instrumentation scope name of the tracer and the meter. */
const SCOPE = 'resilient-http';

/** Where spans and metrics go. */
export interface OpenTelemetryOptions {
  /**
   * Makes the call spans.
   * @default trace.getTracerProvider(), the global one
   */
  tracerProvider?: TracerProvider | undefined;
  /**
   * Makes the instruments. The global one is read when `instrumentOpenTelemetry` runs, so register your SDK first.
   * @default metrics.getMeterProvider(), the global one
   */
  meterProvider?: MeterProvider | undefined;
}

function provider<T>(value: unknown, name: string, method: string, fallback: () => T): T {
  if (value === undefined) return fallback();
  if (typeof value !== 'object' || value === null || typeof (value as Record<string, unknown>)[method] !== 'function') {
    throw new TypeError(`${name} must be an OpenTelemetry ${name === 'tracerProvider' ? 'TracerProvider' : 'MeterProvider'} (with ${method}())`);
  }
  return value as T;
}

/**
 * Traces and meters every resilient-http client in the process with
 * OpenTelemetry: each call becomes one INTERNAL span named `{METHOD}
 * {service}`, active while its attempts run (so the CLIENT span
 * `@opentelemetry/instrumentation-undici` makes for each attempt's fetch is
 * its child, and each request carries its own `traceparent`), and the meter
 * `resilient-http` records call durations, attempts, retries, hedges, retry
 * budget refusals and circuit transitions. Pass
 * {@link resendCountAttributes} as instrumentation-undici's `startSpanHook`
 * to put `http.request.resend_count` on the attempt spans.
 *
 * Until it is called, nothing of this runs and nothing costs anything. It
 * needs `@opentelemetry/api` (the optional peer dependency); the
 * OpenTelemetry SDK 3.x packages it is tested with need Node 22.15 or newer.
 *
 * @param options - The providers; the global ones by default.
 * @returns A function that undoes it: calls started afterwards are neither traced nor measured.
 * @throws TypeError when a provider is not one; Error when already instrumented (undo the first one before instrumenting again).
 *
 * @example
 * ```ts
 * import { instrumentOpenTelemetry } from 'resilient-http/otel';
 *
 * const uninstrument = instrumentOpenTelemetry(); // after the SDK has started
 * ```
 */
export function instrumentOpenTelemetry(options: OpenTelemetryOptions = {}): () => void {
  if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object');
  const tracerProvider = provider(options.tracerProvider, 'tracerProvider', 'getTracer', () => trace.getTracerProvider());
  const meterProvider = provider(options.meterProvider, 'meterProvider', 'getMeter', () => metrics.getMeterProvider());
  if (instrumentation.current !== undefined) {
    throw new Error('resilient-http is already instrumented: call the function the first instrumentOpenTelemetry() returned before instrumenting again');
  }

  const meters = new ResilienceMetrics(meterProvider.getMeter(SCOPE));
  const tracing = new CallTracing(tracerProvider.getTracer(SCOPE), meters);
  meters.subscribe();
  instrumentation.current = tracing;
  let installed = true;
  return () => {
    if (!installed) return;
    installed = false;
    if (instrumentation.current === tracing) instrumentation.current = undefined;
    meters.unsubscribe();
  };
}
