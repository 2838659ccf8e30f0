import type { AttemptResult } from '../../transport/attempt-result.js';

/**
 * True when a result says the upstream is unhealthy — what the circuit
 * breaker counts and what makes a hedged group wait for its other attempts:
 * network errors, timeouts, 5xx and 429. Other 4xx, bad bodies,
 * cancellations and the request context's deadline (the caller's limit, not
 * the upstream's slowness) say nothing against it.
 */
export function isUnhealthy(result: AttemptResult): boolean {
  if (result.ok) return false;
  const failure = result.failure;
  switch (failure.kind) {
    case 'network':
      return true;
    case 'timeout':
      return failure.timeoutKind !== 'deadline';
    case 'status':
      return failure.status >= 500 || failure.status === 429;
    default:
      return false;
  }
}
