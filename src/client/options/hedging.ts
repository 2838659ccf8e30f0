import type { HedgingOptions, ResolvedHedging } from '../../policies/hedging.js';
import { checkObject, duration, fail, integer } from './validate.js';

/** Validates `hedging`: off unless given; `delay` is required. */
export function normalizeHedging(value: HedgingOptions | false | undefined): ResolvedHedging | undefined {
  if (value === undefined || value === false) return undefined;
  const raw = checkObject('hedging', value, ['delay', 'maxHedges']);
  if (raw.delay === undefined) fail('hedging.delay', 'a finite number > 0 (ms)', undefined);
  return { delay: duration('hedging.delay', raw.delay, 0, true), maxHedges: integer('hedging.maxHedges', raw.maxHedges, 1, 1) };
}
