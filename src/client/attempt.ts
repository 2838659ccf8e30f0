import { isNetworkError } from 'ky';
import type { KyInstance } from 'ky';

import { BODY_EXCERPT_LIMIT, readFailedBody } from '../errors/response-body.js';
import { redactText } from '../logging/redact.js';
import { AbortReason } from '../policies/abort.js';
import type { AttemptFailure, AttemptResult } from '../policies/attempt-result.js';
import { parseRetryAfter } from '../policies/backoff.js';
import type { PreparedRequest } from './prepared-request.js';

const JSON_TYPE = /^(?:application|text)\/(?:[\w.-]+\+)?json\b/i;
const NO_BODY_STATUS = new Set([204, 205, 304]);

/**
 * Sends one attempt through ky and reads its answer. Never throws: every
 * outcome, including a thrown network error or an aborted read, comes back as
 * an {@link AttemptResult}. The body of a failed answer is read (bounded) or
 * cancelled, so its connection is released.
 *
 * Two things go to `fetch` directly rather than through ky's options, on
 * the Request ky built (measured in bench/, CPU per healthy request on Node
 * 20): the attempt's signal — ky would link it to its own controller with
 * `AbortSignal.any` (~10 µs) — and the headers — ky merges option headers
 * through two extra `Headers` objects (~20 µs, about 7 %). fetch honours
 * `init.signal` over the Request's own, so timeouts, hedge losses and caller
 * aborts still cancel the request and its body; a custom `fetch` option must
 * honour `init.signal` too, as the standard one does.
 */
export async function sendAttempt(
  ky: KyInstance,
  request: PreparedRequest,
  signal: AbortSignal,
  fetchImpl: typeof fetch,
): Promise<AttemptResult> {
  let response: Response;
  try {
    response = await ky(request.href, {
      method: request.method,
      // A redirect is answered as what it is (an UpstreamHttpError), never followed: fetch would
      // carry the client's headers (API keys, tokens) to wherever the Location points.
      redirect: 'manual',
      ...(request.body === undefined ? {} : { body: request.body }),
      fetch: (input: Request | URL | string, init?: RequestInit) => {
        // ky always hands fetch the Request it built; anything else is wrapped so the headers still apply.
        const outgoing = input instanceof Request ? input : new Request(input, init);
        const headers = request.headers;
        for (const name in headers) outgoing.headers.set(name, headers[name] as string);
        return fetchImpl(outgoing, { ...init, signal });
      },
    });
  } catch (error) {
    return { ok: false, failure: classifyThrown(error, signal, request) };
  }

  if (!response.ok) {
    const body = await readFailedBody(response);
    if (signal.aborted) return { ok: false, failure: classifyThrown(signal.reason, signal, request) };
    const retryAfter =
      response.status === 429 || response.status === 503
        ? parseRetryAfter(response.headers.get('retry-after'), Date.now())
        : undefined;
    return {
      ok: false,
      failure: {
        kind: 'status',
        status: response.status,
        statusText: response.statusText,
        excerpt: body.excerpt,
        problem: body.problem,
        retryAfterMs: retryAfter,
      },
    };
  }

  if (request.method === 'HEAD' || NO_BODY_STATUS.has(response.status)) {
    await response.body?.cancel().catch(() => undefined);
    return { ok: true, response: { status: response.status, headers: response.headers, data: undefined } };
  }
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    return { ok: false, failure: classifyThrown(error, signal, request) };
  }
  if (text === '') return { ok: true, response: { status: response.status, headers: response.headers, data: undefined } };
  if (!JSON_TYPE.test(response.headers.get('content-type') ?? '')) {
    return { ok: true, response: { status: response.status, headers: response.headers, data: text } };
  }
  try {
    return { ok: true, response: { status: response.status, headers: response.headers, data: JSON.parse(text) as unknown } };
  } catch (error) {
    return {
      ok: false,
      failure: { kind: 'invalid-response', status: response.status, excerpt: redactText(text).slice(0, BODY_EXCERPT_LIMIT), cause: error },
    };
  }
}

/** Turns whatever ky or fetch threw into a failure, by which signal fired — not by error names. */
function classifyThrown(error: unknown, signal: AbortSignal, request: PreparedRequest): AttemptFailure {
  const reason: unknown = signal.aborted ? signal.reason : undefined;
  if (reason instanceof AbortReason) {
    switch (reason.kind) {
      case 'attempt-timeout':
        return { kind: 'timeout', scope: 'attempt', timeoutMs: request.timeout.attempt, cause: undefined };
      case 'total-timeout':
        return { kind: 'timeout', scope: 'total', timeoutMs: request.timeout.total, cause: undefined };
      default:
        return { kind: 'aborted', cause: reason.cause };
    }
  }
  const systemCode = systemCodeOf(error);
  if (isNetworkFailure(error, systemCode)) {
    // ky wraps fetch's own failure; the cause kept is fetch's error, whose own cause is the system error.
    return { kind: 'network', systemCode, cause: isNetworkError(error) ? error.cause : error };
  }
  // Anything else was refused before it left (an invalid argument): not the upstream's fault, not retried.
  return { kind: 'unexpected', cause: error };
}

const ARGUMENT_CODES = /^(?:UND_ERR_INVALID_ARG|UND_ERR_NOT_SUPPORTED|ERR_INVALID_|ERR_HTTP_INVALID_)/;

/**
 * ky 2 wraps fetch's network failure (undici's `TypeError('fetch failed')`,
 * msw's `HttpResponse.error()`) in its `NetworkError`, the system error down
 * its cause chain. A failure ky does not wrap counts when its cause chain
 * carries a system `code`: a custom fetch that throws `ECONNRESET` itself, or
 * a body read cut off by the socket (`UND_ERR_SOCKET`). Codes that mean an
 * invalid argument were refused before anything was sent.
 */
function isNetworkFailure(error: unknown, systemCode: string | undefined): boolean {
  if (systemCode !== undefined && ARGUMENT_CODES.test(systemCode)) return false;
  return isNetworkError(error) || systemCode !== undefined;
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
