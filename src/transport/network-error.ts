import type { AttemptFailure } from '../errors/attempt-failure.js';
import { AbortReason } from './attempt-signal.js';

const FETCH_FAILED = new Set(['fetch failed', 'Failed to fetch']);
const ARGUMENT_CODES = /^(?:UND_ERR_INVALID_ARG|UND_ERR_NOT_SUPPORTED|ERR_INVALID_|ERR_HTTP_INVALID_)/;

/** The limits an attempt ran under, for the failure of a timeout. */
export interface AttemptLimits {
  readonly attempt: number;
  readonly total: number;
}

/**
 * Turns whatever ky or fetch threw into a failure: first by which of our
 * signals fired and why (never by error names, which ky, undici and
 * `AbortSignal.timeout` share), then network failures, then anything else.
 */
export function classifyThrown(error: unknown, signal: AbortSignal, timeout: AttemptLimits): AttemptFailure {
  const reason: unknown = signal.aborted ? signal.reason : undefined;
  if (reason instanceof AbortReason) {
    switch (reason.kind) {
      case 'attempt-timeout':
        return { kind: 'timeout', scope: 'attempt', timeoutMs: timeout.attempt, cause: undefined };
      case 'total-timeout':
        return { kind: 'timeout', scope: 'total', timeoutMs: timeout.total, cause: undefined };
      default:
        return { kind: 'aborted', cause: reason.cause };
    }
  }
  const systemCode = systemCodeOf(error);
  if (isNetworkFailure(error, systemCode)) return { kind: 'network', systemCode, cause: error };
  // Anything else was refused before it left (an invalid argument): not the upstream's fault, not retried.
  return { kind: 'unexpected', cause: error };
}

/**
 * fetch reports every network failure as `TypeError('fetch failed')` (undici)
 * or `TypeError('Failed to fetch')` (msw, browsers) with the cause below it; a
 * custom fetch may throw the system error itself (`ECONNRESET`).
 */
function isNetworkFailure(error: unknown, systemCode: string | undefined): boolean {
  if (systemCode !== undefined && ARGUMENT_CODES.test(systemCode)) return false;
  if (error instanceof TypeError && FETCH_FAILED.has(error.message)) return true;
  return systemCode !== undefined;
}

/** The first string `code` down an error's cause chain (`ECONNREFUSED`, `UND_ERR_SOCKET`, …). */
function systemCodeOf(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
