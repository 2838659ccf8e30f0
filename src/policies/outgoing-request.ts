import type { AttemptRequest } from '../transport/attempt.js';
import type { ResolvedTimeout } from './deadline/timeouts.js';
import type { ResolvedRetry } from './retry/options.js';

/** One call as the policies take it: what each attempt sends, and the rules the call runs under. Built once per call. */
export interface OutgoingRequest extends AttemptRequest {
  readonly requestId: string;
  readonly retry: ResolvedRetry;
  readonly timeout: ResolvedTimeout;
  /** In `retry.methods`, or carries an idempotency key. */
  readonly idempotent: boolean;
  /** May be hedged: GET/HEAD or an idempotency key, and a replayable body. */
  readonly hedgeable: boolean;
  /** The call's own `signal` option. */
  readonly signal: AbortSignal | undefined;
  /** The request context's signal, if any: it cancels the call too. */
  readonly contextSignal: AbortSignal | undefined;
  /** The request context's deadline (epoch ms), if any: the call ends by then. */
  readonly deadline: number | undefined;
  /** Statuses that are a normal answer for this call (`expectedStatus`): logged at debug when they fail it. */
  readonly expectedStatus?: ReadonlySet<number> | undefined;
  /** `performance.now()` when the call started (its duration counts from here; the deadline from admission). */
  readonly startedAt: number;
}
