import { NodeSDK } from '@opentelemetry/sdk-node';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { instrumentOpenTelemetry, resendCountAttributes } from 'resilient-http/otel';

new NodeSDK({ instrumentations: [new UndiciInstrumentation({ startSpanHook: resendCountAttributes })] }).start();
const uninstrument = instrumentOpenTelemetry(); // after the SDK started: it reads the global providers now
// ---- above: the README snippet; below: what it leaves to the reader ----
export { uninstrument };
