import type { ClientResponse } from '../client/types.js';

/** Why one attempt failed: plain data, turned into an `UpstreamError` only when the call gives up. */
export type AttemptFailure =
  | {
      kind: 'status';
      status: number;
      statusText: string;
      excerpt: string | undefined;
      problem: import('../errors/problem-details.js').ProblemDetails | undefined;
      retryAfterMs: number | undefined;
    }
  | { kind: 'network'; systemCode: string | undefined; cause: unknown }
  | { kind: 'timeout'; scope: 'attempt' | 'total'; timeoutMs: number; cause: unknown }
  | { kind: 'aborted'; cause: unknown }
  | { kind: 'invalid-response'; status: number; excerpt: string | undefined; cause: unknown }
  | { kind: 'circuit-open'; cause: unknown }
  | { kind: 'concurrency-limit'; cause: unknown }
  | { kind: 'unexpected'; cause: unknown };

/** The outcome of one attempt (or of one hedged group of attempts). */
export type AttemptResult =
  | { readonly ok: true; readonly response: ClientResponse<unknown> }
  | { readonly ok: false; readonly failure: AttemptFailure };

/**
 * True when a failure says the upstream is unhealthy — what the circuit
 * breaker counts: network errors, timeouts, 5xx and 429. Other 4xx, bad
 * bodies and cancellations say nothing against it.
 */
export function isUnhealthy(result: AttemptResult): boolean {
  if (result.ok) return false;
  const failure = result.failure;
  switch (failure.kind) {
    case 'network':
    case 'timeout':
      return true;
    case 'status':
      return failure.status >= 500 || failure.status === 429;
    default:
      return false;
  }
}
