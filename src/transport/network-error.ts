import { isNetworkError } from 'ky';

import type { AttemptFailure } from '../errors/attempt-failure.js';
import { AbortReason, isTimeoutReason, timeoutFailure } from './attempt-signal.js';
import type { AttemptLimits } from './attempt-signal.js';
import { asCallerError, dispatcherRefusal, handlerRefusalIn } from './dispatcher.js';

const ARGUMENT_CODES = /^(?:UND_ERR_INVALID_ARG|UND_ERR_NOT_SUPPORTED|ERR_INVALID_|ERR_HTTP_INVALID_)/;

/**
 * Turns whatever ky or fetch threw into a failure: first by which of our
 * signals fired and why (never by error names, which ky, undici and
 * `AbortSignal.timeout` share), then network failures, then anything else.
 */
export function classifyThrown(error: unknown, signal: AbortSignal, timeout: AttemptLimits): AttemptFailure {
  const reason: unknown = signal.aborted ? signal.reason : undefined;
  if (reason instanceof AbortReason) {
    const ours = reason as AbortReason;
    return isTimeoutReason(ours) ? timeoutFailure(ours, timeout) : { kind: 'aborted', cause: ours.cause };
  }
  const refusal = handlerRefusalIn(error);
  if (refusal !== undefined) {
    // A dispatcher of the wrong undici major: the caller's input, nothing sent — never a network error.
    return { kind: 'unexpected', cause: asCallerError(dispatcherRefusal(`it refused the handler fetch gave it (${refusal})`)) };
  }
  const systemCode = systemCodeOf(error);
  if (isNetworkFailure(error, systemCode)) {
    // ky wraps fetch's own failure; the cause kept is fetch's error, whose own cause is the system error.
    return { kind: 'network', systemCode, cause: isNetworkError(error) ? error.cause : error };
  }
  // Anything else was refused before it left (an invalid argument): not the upstream's fault, not retried.
  return { kind: 'unexpected', cause: error };
}

/**
 * `failure`, met while reading the body of an answer with `status`: a
 * network failure then says which answer it cut off (its error does not
 * claim the upstream could not be reached); any other kind is as it was.
 */
export function duringBody(failure: AttemptFailure, status: number): AttemptFailure {
  return failure.kind === 'network' ? { ...failure, afterStatus: status } : failure;
}

/**
 * ky 2 wraps fetch's network failure (undici's `TypeError('fetch failed')`,
 * msw's `HttpResponse.error()`) in its `NetworkError`, the system error down
 * its cause chain. A failure ky does not wrap counts when its cause chain
 * carries a system `code` — a custom fetch that throws `ECONNRESET` itself, or
 * a body read cut off by the socket (`UND_ERR_SOCKET`) — or when it carries
 * the {@link NETWORK_FAILURE} mark (`createUndiciFetch()`'s failures, called
 * without ky). Codes that mean an invalid argument were refused before
 * anything was sent.
 */
function isNetworkFailure(error: unknown, systemCode: string | undefined): boolean {
  if (systemCode !== undefined && ARGUMENT_CODES.test(systemCode)) return false;
  return isNetworkError(error) || systemCode !== undefined || isMarkedNetworkFailure(error);
}

/**
 * Marks an error as the network failing, for a fetch the client calls without
 * ky (`createUndiciFetch()`'s, whose errors are shaped as fetch's but need no
 * message to be told apart): the transport classifies by this mark, never by
 * message strings. A registered symbol, so two copies of the package agree.
 */
export const NETWORK_FAILURE: unique symbol = Symbol.for('resilient-http.fetch.networkFailure');

/** Marks `error` with {@link NETWORK_FAILURE} (not enumerable: a copy of its fields does not carry it) and returns it. */
export function markNetworkFailure<E extends Error>(error: E): E {
  Object.defineProperty(error, NETWORK_FAILURE, { value: true });
  return error;
}

/** True when `error` carries the {@link NETWORK_FAILURE} mark. */
function isMarkedNetworkFailure(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { [NETWORK_FAILURE]?: unknown })[NETWORK_FAILURE] === true;
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
