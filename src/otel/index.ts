/**
 * OpenTelemetry for resilient-http: call spans, resend counts on attempt
 * spans, and resilience metrics. Needs the optional peer dependency
 * `@opentelemetry/api`; the OpenTelemetry 3.x SDK packages need Node 22.15+.
 *
 * @module
 */
export { instrumentOpenTelemetry } from './instrument.js';
export type { OpenTelemetryOptions } from './instrument.js';
export { resendCountAttributes } from './resend-count.js';
export { METRIC } from './metrics.js';
