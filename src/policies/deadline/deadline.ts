import { ABORTED, TIMED_OUT, race } from '../../context/timers.js';
import { ATTEMPT_TIMEOUT, AttemptSignal } from '../../transport/attempt-signal.js';
import type { Call } from '../call.js';
import type { GuardedOutcome } from '../circuit-breaker/breaker.js';

/**
 * One attempt's signal, firing at the earlier of the attempt timeout and the
 * call's deadline (the total timeout's, or the request context's when that
 * comes first); `undefined` when the deadline has passed and nothing may be
 * sent. The total timeout is not a layer of its own: every attempt's single
 * timer fires at the earlier of its own limit and the deadline, and no backoff
 * wait is started that would pass the deadline.
 */
export function attemptSignalFor(call: Call): AttemptSignal | undefined {
  const remaining = call.remaining();
  if (remaining <= 0) return undefined;
  const { timeout } = call.request;
  const signal = call.signal;
  return remaining <= timeout.attempt
    ? new AttemptSignal(remaining, call.deadlineReason, signal)
    : new AttemptSignal(timeout.attempt, ATTEMPT_TIMEOUT, signal);
}

/** Settles with `pending`, or earlier — nothing sent — when the caller aborts or the deadline passes. */
export async function raceCallLimits(pending: Promise<GuardedOutcome>, call: Call): Promise<GuardedOutcome> {
  const end = await race(pending, call.signal, call.remaining());
  if (end === ABORTED) return { result: call.cancelled(), sent: 0 };
  if (end === TIMED_OUT) return { result: call.expired(), sent: 0 };
  return end;
}
