import type { ResolvedTimeout, TimeoutOptions } from '../../policies/deadline.js';
import { checkObject, duration } from './validate.js';

/** Validates timeouts (client-wide or per call) over `base`. */
export function normalizeTimeout(path: string, value: TimeoutOptions | undefined, base: ResolvedTimeout): ResolvedTimeout {
  if (value === undefined) return base;
  const raw = checkObject(path, value, ['attempt', 'total']);
  return {
    attempt: duration(`${path}.attempt`, raw.attempt, base.attempt, true),
    total: duration(`${path}.total`, raw.total, base.total, true),
  };
}
