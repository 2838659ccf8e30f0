import type { ResolvedTimeout, TimeoutOptions } from '../../policies/deadline.js';
import { checkObject, duration } from './validate.js';

/**
 * Validates timeouts (client-wide or per call) over `base`. An attempt may not
 * outlast the call: `attempt` and `total` both given with `attempt > total` is
 * a TypeError naming both; a lone `total` below `base.attempt` lowers the
 * attempt timeout to it. Equal values are fine.
 */
export function normalizeTimeout(path: string, value: TimeoutOptions | undefined, base: ResolvedTimeout): ResolvedTimeout {
  if (value === undefined) return base;
  const raw = checkObject(path, value, ['attempt', 'total', 'idle']);
  const total = duration(`${path}.total`, raw.total, base.total, true);
  const idle = raw.idle === undefined ? base.idle : duration(`${path}.idle`, raw.idle, 0, true);
  if (raw.attempt === undefined) return { attempt: Math.min(base.attempt, total), total, idle };
  const attempt = duration(`${path}.attempt`, raw.attempt, base.attempt, true);
  if (raw.total !== undefined && attempt > total) {
    throw new TypeError(`${path}.attempt (${attempt} ms) must not exceed ${path}.total (${total} ms)`);
  }
  return { attempt, total, idle };
}
