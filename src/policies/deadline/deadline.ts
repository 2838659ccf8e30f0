import { ABORTED, TIMED_OUT, race } from '../../context/timers.js';
import { ATTEMPT_TIMEOUT, AttemptSignal } from '../../transport/attempt-signal.js';
import type { Call } from '../call.js';
import type { LayerFactory } from '../compose.js';
import { outcome } from '../outcome.js';
import type { CallOutcome } from '../outcome.js';

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
export async function raceCallLimits(pending: Promise<CallOutcome>, call: Call): Promise<CallOutcome> {
  const end = await race(pending, call.signal, call.remaining());
  if (end === ABORTED) return outcome(call.cancelled(), 0);
  if (end === TIMED_OUT) return outcome(call.expired(), 0);
  return end;
}

/**
 * The total timeout: starts the call's deadline once the bulkhead (if any)
 * admits it — queueing is not the upstream's time — bounded by the request
 * context's deadline. Each attempt's timer then fires at the earlier of its
 * own limit and this deadline (see {@link attemptSignalFor}).
 */
export const deadlineLayer: LayerFactory<unknown> = () => (next) => (call) => {
  call.admit();
  return next(call);
};
