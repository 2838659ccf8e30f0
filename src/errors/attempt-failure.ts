import type { ProblemDetails } from './problem-details.js';

/**
 * Why one attempt (or the whole call) failed: plain data, produced by the
 * transport and the policies, turned into an `UpstreamError` by
 * `toUpstreamError` only when the call gives up.
 */
export type AttemptFailure =
  | {
      kind: 'status';
      status: number;
      statusText: string;
      excerpt: string | undefined;
      problem: ProblemDetails | undefined;
      retryAfterMs: number | undefined;
    }
  | { kind: 'network'; systemCode: string | undefined; cause: unknown }
  | { kind: 'timeout'; scope: 'attempt' | 'total' | 'deadline'; timeoutMs: number; cause: unknown }
  | { kind: 'aborted'; cause: unknown }
  | { kind: 'invalid-response'; status: number; excerpt: string | undefined; cause: unknown }
  | { kind: 'circuit-open'; cause: unknown }
  | { kind: 'concurrency-limit'; cause: unknown }
  | { kind: 'unexpected'; cause: unknown };
