import { context, metrics, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import type { DataPoint, MetricData } from '@opentelemetry/sdk-metrics';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { resendCountAttributes } from 'resilient-http/otel';

/** A pull reader: metrics are read when the test calls `collect()`. */
class PullReader extends MetricReader {
  protected override onForceFlush(): Promise<void> {
    return Promise.resolve();
  }

  protected override onShutdown(): Promise<void> {
    return Promise.resolve();
  }
}

/** The real OpenTelemetry SDK, registered globally as a service would, with everything kept in memory. */
export interface OtelSdk {
  /** Spans ended so far, in the order they ended. */
  spans(): ReadableSpan[];
  /** Forgets the spans. */
  resetSpans(): void;
  /** Reads every metric of the meter `resilient-http`. */
  collect(): Promise<MetricData[]>;
  /** The undici instrumentation (disable it to see calls without CLIENT spans). */
  readonly undici: UndiciInstrumentation;
  /** Disables the instrumentation and unregisters every global, so other test files see a bare process. */
  shutdown(): Promise<void>;
}

/** Registers the SDK globally: async-hooks context, W3C propagation, tracer and meter providers, instrumentation-undici with the resend-count hook. */
export function startOtelSdk(): OtelSdk {
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  const reader = new PullReader();
  const meterProvider = new MeterProvider({ readers: [reader] });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(tracerProvider);
  metrics.setGlobalMeterProvider(meterProvider);
  const undici = new UndiciInstrumentation({ startSpanHook: resendCountAttributes });
  return {
    spans: () => exporter.getFinishedSpans(),
    resetSpans: () => {
      exporter.reset();
    },
    async collect() {
      const { resourceMetrics } = await reader.collect();
      return resourceMetrics.scopeMetrics.filter((scope) => scope.scope.name === 'resilient-http').flatMap((scope) => scope.metrics);
    },
    undici,
    async shutdown() {
      undici.disable();
      await tracerProvider.shutdown();
      await meterProvider.shutdown();
      trace.disable();
      metrics.disable();
      propagation.disable();
      context.disable();
    },
  };
}

/** The data points of the metric `name` (none when it was never recorded). */
export function pointsOf(all: readonly MetricData[], name: string): DataPoint<unknown>[] {
  return all.filter((metric) => metric.descriptor.name === name).flatMap((metric) => metric.dataPoints as DataPoint<unknown>[]);
}
