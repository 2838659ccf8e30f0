import type { AttemptResponse, AttemptResult } from '../transport/attempt-result.js';
import type { Call } from './call.js';

/**
 * What tracing hooks into: the pipeline runs each call and each attempt
 * through it, so work done inside (the fetch of an attempt, and whatever
 * instruments that fetch) runs in the context it sets up. Internal: the
 * `resilient-http/otel` subpath installs the only implementation.
 */
export interface CallInstrumentation {
  /** Runs one whole call (bulkhead, retries, hedges); resolves or rejects as `run` does. */
  runCall(call: Call, run: () => Promise<AttemptResponse>): Promise<AttemptResponse>;
  /** Runs one attempt of `call` (each retry and each hedge is one); resolves as `send` does (it never rejects). */
  runAttempt(call: Call, send: () => Promise<AttemptResult>): Promise<AttemptResult>;
}

/**
 * The installed instrumentation, process-wide; `undefined` (the default)
 * costs the pipeline one property read per call and per attempt.
 */
export const instrumentation: { current: CallInstrumentation | undefined } = { current: undefined };
