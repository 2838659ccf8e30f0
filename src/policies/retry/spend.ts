import type { EventSink } from '../../events/events.js';
import type { Call } from '../call.js';
import type { RetryBudget } from './budget.js';

/**
 * Spends one retry (or hedge) of `budget`: true when there is no budget or
 * it allows one more; otherwise reports the refusal as a `budget-exhausted`
 * event and returns false. The one place retries, hedges and resumes ask.
 */
export function spendRetry(budget: RetryBudget | undefined, sink: EventSink, call: Call, attempt: number, refused: 'retry' | 'hedge', reason: string): boolean {
  if (budget === undefined || budget.tryAcquireRetry()) return true;
  if (sink.wants('budget-exhausted')) sink.emit('budget-exhausted', { ...call.base(), attempt, refused, reason });
  return false;
}
