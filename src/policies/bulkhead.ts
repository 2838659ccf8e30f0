import { AsyncLocalStorage } from 'node:async_hooks';

import { BulkheadRejectedError, bulkhead } from 'cockatiel';
import type { BulkheadPolicy } from 'cockatiel';

import { ABORTED, TIMED_OUT, race } from '../context/timers.js';
import type { Call } from './call.js';
import type { LayerFactory, Step } from './compose.js';
import { failed, outcome } from './outcome.js';
import type { CallOutcome } from './outcome.js';
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
async function throughBulkhead(policy: BulkheadPolicy, call: Call, work: Step): Promise<CallOutcome> {
  const signal = call.signal;
  let started = false;
  // cockatiel starts a queued task from the call that freed its slot, in that call's context: bind it to its own
  // caller's context now, so its retries, logs and events carry its own request ID.
  const inCallersContext = AsyncLocalStorage.snapshot();
  const admitted = policy
    .execute(() => inCallersContext(() => {
      started = true;
      if (signal?.aborted === true) return Promise.resolve(failed({ kind: 'aborted', cause: signal.reason }));
      if (call.pastContextDeadline()) return Promise.resolve(outcome(call.contextExpired(), 0));
      return work(call);
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
  if (end === TIMED_OUT) return started ? admitted : outcome(call.contextExpired(), 0);
  return end;
}

/**
 * The bulkhead, outermost: a cap on the client's calls in flight, with a
 * bounded queue. A download (`stream()`) holds its slot until its body ends,
 * not only until its headers: the bulkhead's work settles then, the call at
 * its headers.
 */
export const bulkheadLayer: LayerFactory<{ readonly config: { readonly bulkhead: ResolvedBulkhead | undefined } }> = ({ config }) => {
  if (config.bulkhead === undefined) return undefined;
  const policy = bulkhead(config.bulkhead.limit, config.bulkhead.queue);
  return (next) => (call) => (call.request.responseType === 'stream' ? holdingSlot(policy, call, next) : throughBulkhead(policy, call, next));
};

/** A download's way through the bulkhead: resolves at its headers, frees the slot when its body ends. */
function holdingSlot(policy: BulkheadPolicy, call: Call, next: Step): Promise<CallOutcome> {
  return new Promise<CallOutcome>((resolve, reject) => {
    throughBulkhead(policy, call, async () => {
      const answer = await next(call);
      resolve(answer);
      if (call.bodyEnded !== undefined) await call.bodyEnded;
      return answer;
    }).then(resolve, reject);
  });
}

/** Validates `bulkhead`: off unless given; `limit` is required. */
export function normalizeBulkhead(value: BulkheadOptions | false | undefined): ResolvedBulkhead | undefined {
  if (value === undefined || value === false) return undefined;
  const raw = checkObject('bulkhead', value, ['limit', 'queue']);
  if (raw.limit === undefined) fail('bulkhead.limit', 'an integer >= 1', undefined);
  return { limit: integer('bulkhead.limit', raw.limit, 0, 1), queue: integer('bulkhead.queue', raw.queue, 0, 0) };
}
