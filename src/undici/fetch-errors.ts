import { markNetworkFailure } from '../transport/network-error.js';

/**
 * The errors this fetch rejects with, shaped as undici's own fetch shapes them
 * (so code written for fetch reads them as it would fetch's), and marked with
 * `NETWORK_FAILURE`, which the client classifies them by, with or without ky
 * (which wraps both messages in its `NetworkError`): a failure
 * before the response is `TypeError('fetch failed')` whose cause is undici's
 * error (itself carrying the system `code`: `ECONNREFUSED`, `ENOTFOUND`,
 * `UND_ERR_SOCKET`, a TLS code, …); a body cut off later errors the stream
 * with `TypeError('terminated')` over the same cause.
 */
export function fetchFailed(cause: unknown): TypeError {
  return markNetworkFailure(new TypeError('fetch failed', { cause }));
}

/** A response body cut off after the headers. */
export function terminated(cause: unknown): TypeError {
  return markNetworkFailure(new TypeError('terminated', { cause }));
}

/** What an abort hands undici: the signal's reason when it is an Error, else an `AbortError`. */
export function abortError(reason: unknown): Error {
  return reason instanceof Error ? reason : new DOMException('This operation was aborted', 'AbortError');
}
