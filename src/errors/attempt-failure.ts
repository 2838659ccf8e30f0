import type { ProblemDetails } from './problem-details.js';
import type { StandardSchemaIssue } from './standard-schema.js';
import type { ThrottleReason } from './upstream-throttled-error.js';

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
  | {
      kind: 'invalid-response';
      status: number;
      excerpt: string | undefined;
      /** The schema's issues, when the call's schema rejected the body (absent: the body was not valid JSON). */
      issues?: readonly StandardSchemaIssue[] | undefined;
      cause: unknown;
    }
  | { kind: 'circuit-open'; cause: unknown }
  | { kind: 'concurrency-limit'; cause: unknown }
  /** A local overload limit refused the attempt: nothing sent. `retryAfterMs`: until it would have let one through. */
  | { kind: 'throttled'; reason: ThrottleReason; retryAfterMs: number | undefined }
  | { kind: 'unexpected'; cause: unknown };
