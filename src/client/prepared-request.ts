import type { ResolvedRetry, ResolvedTimeout } from './options.js';

/** One call, resolved and validated, ready for the pipeline. Built once per call. */
export interface PreparedRequest {
  readonly method: string;
  /** The full URL (unredacted: it is only sent, never logged). */
  readonly href: string;
  readonly headers: Record<string, string>;
  /** The body to send; `json` is already serialised into it. */
  readonly body: RequestInit['body'] | undefined;
  readonly requestId: string;
  readonly retry: ResolvedRetry;
  readonly timeout: ResolvedTimeout;
  /** In `retry.methods`, or carries an idempotency key. */
  readonly idempotent: boolean;
  /** May be hedged: GET/HEAD or an idempotency key, and a replayable body. */
  readonly hedgeable: boolean;
  readonly signal: AbortSignal | undefined;
  /** `performance.now()` when the call started (its duration counts from here; the deadline from admission). */
  readonly startedAt: number;
}
