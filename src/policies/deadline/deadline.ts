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
export function raceCallLimits(pending: Promise<GuardedOutcome>, call: Call): Promise<GuardedOutcome> {
  const signal = call.signal;
  return new Promise((resolve, reject) => {
    const finish = (outcome: GuardedOutcome): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      resolve(outcome);
    };
    const onAbort = (): void => {
      finish({ result: call.cancelled(), sent: 0 });
    };
    const timer = setTimeout(() => {
      finish({ result: call.expired(), sent: 0 });
    }, Math.max(0, call.remaining()));
    signal?.addEventListener('abort', onAbort, { once: true });
    pending.then(finish, (error: unknown) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      reject(error instanceof Error ? error : new Error(String(error)));
    });
  });
}
