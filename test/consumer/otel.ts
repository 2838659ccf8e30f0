// The same for resilient-http/otel (test/consumer/tsconfig.otel.json): its declarations name
// @opentelemetry/api's types, resolved from the peer. Never run.
import { metrics, trace } from '@opentelemetry/api';
import type { Attributes } from '@opentelemetry/api';
import * as otel from 'resilient-http/otel';
import type { OpenTelemetryOptions } from 'resilient-http/otel';

const options: OpenTelemetryOptions = { tracerProvider: trace.getTracerProvider(), meterProvider: metrics.getMeterProvider() };
export const uninstrument: () => void = otel.instrumentOpenTelemetry(options);
export const startSpanHook: (request: unknown) => Attributes = () => otel.resendCountAttributes();
export const names: readonly string[] = Object.values(otel.METRIC);
export const everything: typeof otel = otel;
