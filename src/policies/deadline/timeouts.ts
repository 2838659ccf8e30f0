import { checkObject, duration } from '../validate.js';

/** Timeouts, in milliseconds. */
export interface TimeoutOptions {
  /**
   * One attempt: connection, headers and body.
   * @default 10000
   */
  attempt?: number;
  /**
   * The whole call: every attempt and every backoff wait.
   * @default 30000
   */
  total?: number;
  /**
   * The longest wait for the next chunk of a streamed body (`client.stream()`); a stall longer than this
   * fails the stream with an `UpstreamTimeoutError` whose `timeoutKind` is `'idle'` (or resumes it).
   * @default the attempt timeout
   */
  idle?: number;
}

/** Timeouts with every default filled in; `idle` is `undefined` while it follows the attempt timeout. */
export interface ResolvedTimeout {
  readonly attempt: number;
  readonly total: number;
  readonly idle: number | undefined;
}

/** The timeouts' defaults, as the README's options table gives them. */
export const TIMEOUT_DEFAULTS: ResolvedTimeout = { attempt: 10_000, total: 30_000, idle: undefined };

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
