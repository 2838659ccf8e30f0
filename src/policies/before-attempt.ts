import { settledUnlessAborted } from '../context/timers.js';
import type { AttemptFailure } from '../errors/attempt-failure.js';
import type { AttemptOverrides } from '../transport/attempt-overrides.js';
import type { AttemptRequest } from '../transport/attempt.js';
import { classifyThrown } from '../transport/network-error.js';

/** One attempt about to be sent, as `beforeAttempt` sees it. */
export interface OutgoingAttempt {
  /** The HTTP method, upper-case. */
  readonly method: string;
  /** The full URL sent (a copy: changing it changes nothing). */
  readonly url: URL;
  /**
   * Every header of this attempt: the client's and the call's, the request
   * ID, the idempotency key, the timeout header and the credentials (and
   * `content-type` when fetch would have derived it from the body). What it
   * holds when the hook returns is sent, on this attempt only — except `host`
   * and `content-length`, which fetch writes itself from the same URL and bytes.
   */
  readonly headers: Headers;
  /**
   * The exact bytes of the body that will be sent (a string is its UTF-8
   * bytes; `URLSearchParams`, `Blob` and `FormData` are serialised here, and
   * those bytes are what is sent); `undefined` when there is no body, or the
   * body is a stream.
   */
  readonly body: Uint8Array | undefined;
  /** 1 for the call's first attempt, then 2, 3, … for each retry, hedge and re-send after a 401. */
  readonly attempt: number;
  /** The attempt's signal: aborts at the attempt's timeout, the call's deadline, or when the call is cancelled. */
  readonly signal: AbortSignal;
}

/**
 * Called for every attempt and hedge, after every header the client sets and
 * right before sending — to sign the request (AWS Signature V4, HMAC). May be
 * async; it runs under the attempt's timeout. If it throws, the call rejects
 * with an `UpstreamError` (code `UPSTREAM_ERROR`) carrying the cause; that
 * attempt sends nothing and the call is not retried.
 * @example
 * ```ts
 * const ledger = createClient('https://ledger.internal/', {
 *   beforeAttempt: ({ method, url, headers, body }) => {
 *     headers.set('x-signature', sign(`${method} ${url.pathname}`, body));
 *   },
 * });
 * ```
 */
export type BeforeAttemptHook = (attempt: OutgoingAttempt) => void | PromiseLike<void>;

/**
 * Validates the `beforeAttempt` client option: off when absent.
 * @throws TypeError naming `beforeAttempt`.
 */
export function normalizeBeforeAttempt(value: unknown): BeforeAttemptHook | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'function') throw new TypeError(`beforeAttempt must be a function (attempt) => void, got ${value === null ? 'null' : typeof value}`);
  return value as BeforeAttemptHook;
}

const encoder = new TextEncoder();

/** The body as the bytes fetch would send, and the content type fetch would derive for it; `undefined` bytes for none or a stream. */
async function bodyBytes(body: AttemptRequest['body']): Promise<{ bytes: Uint8Array | undefined; type: string | null }> {
  if (body === undefined || body === null) return { bytes: undefined, type: null };
  if (typeof body === 'string') return { bytes: encoder.encode(body), type: 'text/plain;charset=UTF-8' };
  if (body instanceof Uint8Array) return { bytes: body, type: null };
  if (ArrayBuffer.isView(body)) return { bytes: new Uint8Array(body.buffer, body.byteOffset, body.byteLength), type: null };
  if (body instanceof ArrayBuffer) return { bytes: new Uint8Array(body), type: null };
  if (body instanceof Blob || body instanceof FormData || body instanceof URLSearchParams) {
    // Serialised once, here: a FormData's boundary is chosen now, and these bytes and that type are what is sent.
    const response = new Response(body);
    return { bytes: new Uint8Array(await response.arrayBuffer()), type: response.headers.get('content-type') };
  }
  return { bytes: undefined, type: null };
}

/** The hook's failure: an `UpstreamError` carrying what it threw. */
function hookFailed(cause: unknown): AttemptFailure {
  return { kind: 'unexpected', detail: 'beforeAttempt hook failed', cause };
}

/**
 * Runs the `beforeAttempt` hook for one attempt and gives what to send: the
 * headers as the hook left them, and the body bytes it saw. The hook runs
 * under the attempt's signal: when the attempt times out or the call is
 * cancelled meanwhile, the attempt fails as such, nothing sent.
 *
 * @param hook - The client's hook.
 * @param request - The call's request.
 * @param headers - Every header the client sets for this attempt.
 * @param attempt - The attempt's number in its call, from 1.
 * @param signal - The attempt's signal.
 */
export async function runBeforeAttempt(
  hook: BeforeAttemptHook,
  request: AttemptRequest,
  headers: Readonly<Record<string, string>>,
  attempt: number,
  signal: AbortSignal,
): Promise<AttemptOverrides | AttemptFailure> {
  const attemptHeaders = new Headers(headers);
  let bytes: Uint8Array | undefined;
  try {
    const body = await bodyBytes(request.body);
    bytes = body.bytes;
    if (body.type !== null && bytes !== undefined && !attemptHeaders.has('content-type')) attemptHeaders.set('content-type', body.type);
    const pending = hook({ method: request.method, url: new URL(request.href), headers: attemptHeaders, body: bytes, attempt, signal });
    if (isThenable(pending)) {
      // An aborted signal ends the wait at once; the hook's own rejection is kept as the failure's cause.
      const settled = await settledUnlessAborted(pending, signal);
      if (!settled.ok) throw settled.error;
    }
  } catch (error) {
    return signal.aborted ? classifyThrown(signal.reason, signal, request.timeout) : hookFailed(error);
  }
  if (signal.aborted) return classifyThrown(signal.reason, signal, request.timeout);
  // Signing libraries (aws4) add Host and Content-Length to the headers they sign; fetch writes both itself, from the
  // same URL and bytes, and would send a second copy.
  attemptHeaders.delete('host');
  attemptHeaders.delete('content-length');
  // The bytes are the caller's own buffer or one made from their body: fetch accepted the original, it accepts these.
  return { headers: Object.fromEntries(attemptHeaders), body: (bytes as Uint8Array<ArrayBuffer> | undefined) ?? request.body };
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | undefined)?.then === 'function';
}
