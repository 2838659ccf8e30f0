import { context, createContextKey } from '@opentelemetry/api';
import type { Attributes, Context } from '@opentelemetry/api';

import { ATTR } from './attributes.js';

/** The context value an attempt runs with: how many requests of its call were sent before it. */
const RESEND_COUNT = createContextKey('resilient-http resend count');

/** `ctx` with the resend count of the attempt about to be sent. */
export function withResendCount(ctx: Context, resendCount: number): Context {
  return ctx.setValue(RESEND_COUNT, resendCount);
}

/**
 * The attributes for the fetch being started: `http.request.resend_count`
 * when it is a resend within a resilient-http call (1 for the second request
 * sent, 2 for the third, …, hedges included), nothing otherwise. Pass it as
 * `@opentelemetry/instrumentation-undici`'s `startSpanHook`, which runs in the
 * context of the fetch, so its CLIENT span of each attempt carries the count:
 *
 * @example
 * ```ts
 * new UndiciInstrumentation({ startSpanHook: resendCountAttributes });
 * // with a hook of your own:
 * new UndiciInstrumentation({ startSpanHook: (request) => ({ ...myAttributes(request), ...resendCountAttributes() }) });
 * ```
 */
export function resendCountAttributes(): Attributes {
  const count = context.active().getValue(RESEND_COUNT);
  return typeof count === 'number' && count > 0 ? { [ATTR.resendCount]: count } : {};
}
