import { AsyncLocalStorage } from 'node:async_hooks';

import { BulkheadRejectedError } from 'cockatiel';
import type { BulkheadPolicy } from 'cockatiel';

import { ABORTED, TIMED_OUT, race } from '../context/timers.js';
import { failed } from './call.js';
import type { Call, CallOutcome } from './call.js';
import { checkObject, fail, integer } from './validate.js';

/** Bulkhead: a cap on concurrent requests to the upstream. */
export interface BulkheadOptions {
  /** Requests in flight at most. */
  limit: number;
  /**
   * Requests allowed to wait for a slot; beyond that calls fail at once.
   * @default 0
   */
  queue?: number;
}

/** Bulkhead settings with every default filled in. */
export type ResolvedBulkhead = Required<BulkheadOptions>;

/**
 * Runs `work` through cockatiel's bulkhead. A full bulkhead answers
 * `concurrency-limit` at once, nothing sent.
 *
 * cockatiel is not given the caller's signal: it would notice the abort of a
 * queued call only once a slot frees, and that call's refusal then skips the
 * dequeue, stalling the calls queued behind it. Instead a queued call answers
 * its caller's abort at once; its queue entry runs out when it reaches the
 * front, returning without sending anything. The same holds for the request
 * context's deadline: a call still queued when it passes fails then, nothing
 * sent. A queued call runs in its own caller's AsyncLocalStorage context,
 * whichever call freed the slot.
 */
export async function throughBulkhead(bulkhead: BulkheadPolicy, call: Call, work: () => Promise<CallOutcome>): Promise<CallOutcome> {
  const signal = call.signal;
  let started = false;
  // cockatiel starts a queued task from the call that freed its slot, in that call's context: bind it to its own
  // caller's context now, so its retries, logs and events carry its own request ID.
  const inCallersContext = AsyncLocalStorage.snapshot();
  const admitted = bulkhead
    .execute(() => inCallersContext(() => {
      started = true;
      if (signal?.aborted === true) return Promise.resolve(failed({ kind: 'aborted', cause: signal.reason }));
      if (call.pastContextDeadline()) return Promise.resolve({ result: call.contextExpired(), sent: 0, budgetExhausted: false });
      return work();
    }))
    .catch((error: unknown) => {
      if (error instanceof BulkheadRejectedError) return failed({ kind: 'concurrency-limit', cause: error });
      throw error;
    });
  const untilDeadline = call.contextRemaining();
  if (signal === undefined && untilDeadline === undefined) return admitted;
  // Still queued when the caller aborts or the context's deadline passes: fail now, nothing sent. Once started, the
  // attempt answers both itself.
  const end = await race(admitted, signal, untilDeadline);
  if (end === ABORTED) return started ? admitted : failed({ kind: 'aborted', cause: signal?.reason });
  if (end === TIMED_OUT) return started ? admitted : { result: call.contextExpired(), sent: 0, budgetExhausted: false };
  return end;
}

/** Validates `bulkhead`: off unless given; `limit` is required. */
export function normalizeBulkhead(value: BulkheadOptions | false | undefined): ResolvedBulkhead | undefined {
  if (value === undefined || value === false) return undefined;
  const raw = checkObject('bulkhead', value, ['limit', 'queue']);
  if (raw.limit === undefined) fail('bulkhead.limit', 'an integer >= 1', undefined);
  return { limit: integer('bulkhead.limit', raw.limit, 0, 1), queue: integer('bulkhead.queue', raw.queue, 0, 0) };
}
