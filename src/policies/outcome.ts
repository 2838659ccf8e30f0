import type { AttemptFailure } from '../errors/attempt-failure.js';
import type { AttemptResult } from '../transport/attempt-result.js';

/**
 * What a call, or any layer of it, came to: the one type every policy layer
 * returns, from the transport's attempt out to the bulkhead.
 */
export interface CallOutcome {
  readonly result: AttemptResult;
  /** Requests sent to the upstream, hedges and re-sends included. */
  readonly sent: number;
  /** True when a retry or hedge was refused for the retry budget. */
  readonly budgetExhausted: boolean;
}

/** An outcome of `sent` requests, the budget untouched. */
export function outcome(result: AttemptResult, sent: number): CallOutcome {
  return { result, sent, budgetExhausted: false };
}

/** A failure with nothing sent. */
export function failed(failure: AttemptFailure): CallOutcome {
  return { result: { ok: false, failure }, sent: 0, budgetExhausted: false };
}
