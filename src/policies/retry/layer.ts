import type { Clock } from '../../context/clock.js';
import type { EventSink } from '../../events/events.js';
import type { Call } from '../call.js';
import type { LayerFactory, Step } from '../compose.js';
import type { Breaker } from '../circuit-breaker/breaker.js';
import type { OverloadControl } from '../overload.js';
import { outcome } from '../outcome.js';
import type { CallOutcome } from '../outcome.js';
import { sleep } from '../sleep.js';
import { spendRetry } from './spend.js';
import type { RetryBudget } from './budget.js';
import { decideRetry } from './decision.js';

/** What the retry layer reads of its client. */
export interface RetryPolicies {
  readonly sink: EventSink;
  readonly clock: Clock;
  readonly budget: RetryBudget | undefined;
  /** Asked whether it is open: a backoff is never waited out to learn what the breaker already knows. */
  readonly breaker: Breaker | undefined;
  /** Told of every failed attempt (a `Retry-After` pauses the client's next ones). */
  readonly overload: OverloadControl;
}

/**
 * Retries, within the retry budget: each call deposits one request in the
 * budget, and each failed attempt the rules of {@link decideRetry} allow to
 * be retried spends one retry of it, is reported as a `retry` event, and
 * waits its backoff (or `Retry-After`) before the next attempt — unless the
 * caller cancels meanwhile.
 */
export const retryLayer: LayerFactory<RetryPolicies> = (policies) => (next) => (call) => retrying(call, next, policies);

async function retrying(call: Call, next: Step, { sink, clock, budget, breaker, overload }: RetryPolicies): Promise<CallOutcome> {
  budget?.recordRequest();
  const request = call.request;
  let sent = 0;
  for (let attempt = 1; ; attempt++) {
    const answer = await next(call);
    sent += answer.sent;
    const result = answer.result;
    if (result.ok) return sent === answer.sent ? answer : outcome(result, sent);
    overload.noteFailure(call, result.failure);
    const decision = decideRetry({
      failure: result.failure,
      attempt,
      retry: request.retry,
      idempotent: request.idempotent,
      remainingMs: call.remaining(),
      random: clock.random(),
    });
    if (!decision.retry || breaker?.isOpen === true) return outcome(result, sent);
    if (!spendRetry(budget, sink, call, attempt, 'retry', decision.reason)) return { result, sent, budgetExhausted: true };
    if (sink.wants('retry')) {
      sink.emit('retry', { ...call.base(), attempt, waitMs: decision.delayMs, reason: decision.reason, fromRetryAfter: decision.fromRetryAfter });
    }
    if (!(await sleep(decision.delayMs, call.signal))) return outcome(call.cancelled(), sent);
  }
}
