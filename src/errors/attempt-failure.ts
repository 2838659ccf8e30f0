import type { ProblemDetails } from './problem-details.js';
import type { StandardSchemaIssue } from './standard-schema.js';
import type { ThrottleReason } from './upstream-throttled-error.js';
import type { TimeoutKind } from './upstream-error.js';

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
      /** The body as read (at most 64 KiB), unredacted: the error redacts it, then cuts it. */
      body: string | undefined;
      problem: ProblemDetails | undefined;
      retryAfterMs: number | undefined;
    }
  | {
      kind: 'network';
      systemCode: string | undefined;
      cause: unknown;
      /** The status of the answer whose body the failure cut off; absent when it came before any answer. */
      afterStatus?: number | undefined;
    }
  /** One of the client's own timeouts fired: named as the error names it (`signal` is the caller's, an `aborted`). */
  | { kind: 'timeout'; timeoutKind: Exclude<TimeoutKind, 'signal'>; timeoutMs: number; cause: unknown }
  | { kind: 'aborted'; cause: unknown }
  | {
      kind: 'invalid-response';
      status: number;
      /** The body as read (at most 64 KiB), unredacted: the error redacts it, then cuts it. */
      body: string | undefined;
      /** The schema's issues, when the call's schema rejected the body (absent: the body was not valid JSON). */
      issues?: readonly StandardSchemaIssue[] | undefined;
      /** What was wrong, when not bad JSON or a schema rejection (e.g. a body too large for the engine to hold). */
      detail?: string | undefined;
      cause: unknown;
    }
  | {
      kind: 'too-large';
      status: number;
      /** The call's `maxResponseSize`. */
      limit: number;
      /** Decoded bytes read before stopping. */
      receivedBytes: number;
      /** The `Content-Length`, when it announced more than the limit. */
      declaredBytes: number | undefined;
    }
  | { kind: 'circuit-open'; cause: unknown }
  | { kind: 'concurrency-limit'; cause: unknown }
  /** A local overload limit refused the attempt: nothing sent. `retryAfterMs`: until it would have let one through. */
  | { kind: 'throttled'; reason: ThrottleReason; retryAfterMs: number | undefined }
  /** The `auth.token` provider failed: nothing was sent. */
  | { kind: 'credentials'; cause: unknown }
  /** A defect, or a `beforeAttempt` hook that threw (`detail` says which). */
  | { kind: 'unexpected'; cause: unknown; detail?: string | undefined };
