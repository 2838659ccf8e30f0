import { toUpstreamError } from '../errors/translate.js';
import type { UpstreamError } from '../errors/upstream-error.js';
import type { EventSink } from '../events/events.js';
import type { AttemptResult } from '../transport/attempt-result.js';
import type { Call } from './call.js';
import { isTransient } from './retry/decision.js';

/**
 * Ends a call: emits its `request:end` (with the requests it sent and its
 * duration, waits and a streamed body included) and, for a failure, builds
 * the one typed error it rejects with.
 *
 * @param call - The call that ended.
 * @param result - Its answer or failure.
 * @param sent - Requests sent to the upstream, hedges and resumes included.
 * @param budgetExhausted - Whether a retry was refused for the retry budget.
 * @param sink - Where events go.
 */
export function settleCall(call: Call, result: AttemptResult, sent: number, budgetExhausted: boolean, sink: EventSink): UpstreamError | undefined {
  const request = call.request;
  const durationMs = performance.now() - request.startedAt;
  if (result.ok) {
    if (sink.wants('request:end')) {
      sink.emit('request:end', { ...call.base(), status: result.response.status, attempts: sent, durationMs, error: undefined, expected: false });
    }
    return undefined;
  }
  const failure = result.failure;
  const error = toUpstreamError(failure, {
    service: call.service,
    method: request.method,
    url: request.href,
    requestId: request.requestId,
    attempts: sent,
    durationMs,
    retryable: isTransient(failure, request.retry),
    budgetExhausted,
  });
  const status = failure.kind === 'status' ? failure.status : undefined;
  sink.emit('request:end', {
    ...call.base(),
    status,
    attempts: sent,
    durationMs,
    error,
    expected: status !== undefined && request.expectedStatus?.has(status) === true,
  });
  return error;
}
