import type { BulkheadOptions, ResolvedBulkhead } from '../../policies/bulkhead.js';
import { checkObject, fail, integer } from './validate.js';

/** Validates `bulkhead`: off unless given; `limit` is required. */
export function normalizeBulkhead(value: BulkheadOptions | false | undefined): ResolvedBulkhead | undefined {
  if (value === undefined || value === false) return undefined;
  const raw = checkObject('bulkhead', value, ['limit', 'queue']);
  if (raw.limit === undefined) fail('bulkhead.limit', 'an integer >= 1', undefined);
  return { limit: integer('bulkhead.limit', raw.limit, 0, 1), queue: integer('bulkhead.queue', raw.queue, 0, 0) };
}
