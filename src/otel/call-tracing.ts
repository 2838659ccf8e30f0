import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { Context, Tracer } from '@opentelemetry/api';

import { errorCodeOf } from '../errors/translate.js';
import { UpstreamError, isUpstreamError } from '../errors/upstream-error.js';
import type { Call } from '../policies/call.js';
import type { CallInstrumentation } from '../policies/instrumentation.js';
import type { AttemptResponse, AttemptResult } from '../transport/attempt-result.js';
import { ATTR, methodAttribute } from './attributes.js';
import type { ResilienceMetrics } from './metrics.js';
import { withResendCount } from './resend-count.js';

/** One call in flight: the context its attempts run in, and how many it has sent. */
interface CallScope {
  readonly context: Context;
  sent: number;
}

/** The code of the error a call rejected with (always an `UpstreamError`: the pipeline turns even its own defects into one). */
function codeOf(error: unknown): string {
  return isUpstreamError(error) ? error.code : UpstreamError.defaults.code;
}

/**
 * The pipeline's instrumentation for OpenTelemetry: each call is one INTERNAL
 * span, active while its attempts run, so the CLIENT span that instruments a
 * fetch (instrumentation-undici's) is its child; each attempt runs in the
 * call's context plus its resend count, and is counted.
 */
export class CallTracing implements CallInstrumentation {
  readonly #tracer: Tracer;
  readonly #metrics: ResilienceMetrics;
  /** Keyed by the call, not read from the active context: a call queued by the bulkhead resumes in another call's context. */
  readonly #scopes = new WeakMap<Call, CallScope>();

  /**
   * @param tracer - Makes the call spans.
   * @param metrics - Counts the attempts.
   */
  constructor(tracer: Tracer, metrics: ResilienceMetrics) {
    this.#tracer = tracer;
    this.#metrics = metrics;
  }

  async runCall(call: Call, run: () => Promise<AttemptResponse>): Promise<AttemptResponse> {
    const method = methodAttribute(call.request.method);
    const parent = context.active();
    const span = this.#tracer.startSpan(
      `${method} ${call.service}`,
      { kind: SpanKind.INTERNAL, attributes: { [ATTR.service]: call.service, [ATTR.method]: method } },
      parent,
    );
    const scope: CallScope = { context: trace.setSpan(parent, span), sent: 0 };
    this.#scopes.set(call, scope);
    try {
      const response = await context.with(scope.context, run);
      span.setAttribute(ATTR.statusCode, response.status);
      return response;
    } catch (error) {
      span.setAttribute(ATTR.errorType, codeOf(error));
      span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
      throw error;
    } finally {
      span.setAttribute(ATTR.attempts, scope.sent);
      span.end();
      this.#scopes.delete(call);
    }
  }

  async runAttempt(call: Call, send: () => Promise<AttemptResult>): Promise<AttemptResult> {
    const scope = this.#scopes.get(call);
    // A call that started before the instrumentation was installed is sent as it would have been.
    if (scope === undefined) return send();
    const resendCount = scope.sent++;
    const result = await context.with(withResendCount(scope.context, resendCount), send);
    this.#metrics.recordAttempt(call.service, call.request.method, result.ok ? undefined : errorCodeOf(result.failure));
    return result;
  }
}
