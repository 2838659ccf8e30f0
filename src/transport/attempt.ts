import ky from 'ky';
import type { KyInstance } from 'ky';

import type { StandardSchemaV1 } from '../errors/standard-schema.js';
import { redactBody } from '../logging/redact.js';
import type { AttemptResult } from './attempt-result.js';
import { classifyThrown } from './network-error.js';
import type { AttemptLimits } from './network-error.js';
import { BODY_EXCERPT_LIMIT, readFailedBody } from './response-body.js';
import { parseRetryAfter } from './retry-after.js';
import { validateBody } from './validate-body.js';

const JSON_TYPE = /^(?:application|text)\/(?:[\w.-]+\+)?json\b/i;
const NO_BODY_STATUS = new Set([204, 205, 304]);

/** What one attempt sends: the transport's view of a call, validated upstream of it. */
export interface AttemptRequest {
  readonly method: string;
  /** The full URL (unredacted: it is only sent, never logged). */
  readonly href: string;
  /** Lower-case header names to values, request ID and idempotency key included. */
  readonly headers: Readonly<Record<string, string>>;
  /** The body to send; `json` is already serialised into it. */
  readonly body: RequestInit['body'] | undefined;
  /** The call's timeouts, reported on a timeout failure. */
  readonly timeout: AttemptLimits;
  /** Validates a successful answer's parsed body (see {@link validateBody}). */
  readonly schema?: StandardSchemaV1 | undefined;
}

/**
 * One attempt: ky over fetch. Built once per client; ky's own retry and
 * timeout are off, since the policies above own both, so the upstream sees at
 * most `maxAttempts` requests.
 */
export class Transport {
  readonly #ky: KyInstance = ky.create({ retry: 0, timeout: false, throwHttpErrors: false });
  readonly #fetch: typeof fetch;
  readonly #timeoutHeader: string | undefined;

  /**
   * @param fetchImpl - The fetch to use; the global fetch, read at each attempt (msw installs it late), when absent.
   * @param timeoutHeader - Lower-case header that tells the upstream the time each attempt has left; none when absent.
   */
  constructor(fetchImpl: typeof fetch | undefined, timeoutHeader?: string) {
    this.#fetch = fetchImpl ?? ((input, init) => globalThis.fetch(input, init));
    this.#timeoutHeader = timeoutHeader;
  }

  /**
   * Sends one attempt and reads its answer. Never throws: every outcome,
   * including a thrown network error or an aborted read, comes back as an
   * {@link AttemptResult}. The body of a failed answer is read (bounded) or
   * cancelled, so its connection is released.
   *
   * Two things go to `fetch` directly rather than through ky's options, on
   * the Request ky built (measured in bench/): the attempt's signal — ky
   * would link it to its own controller with `AbortSignal.any` — and the
   * headers — ky merges option headers through two extra `Headers` objects
   * (about 7 % of a healthy request's CPU). fetch honours `init.signal` over
   * the Request's own, so timeouts, hedge losses and caller aborts still
   * cancel the request and its body; a custom `fetch` option must honour
   * `init.signal` too, as the standard one does.
   *
   * @param request - What to send.
   * @param signal - The attempt's signal (its timeout, the caller's and the context's cancellation).
   * @param timeLeftMs - The time this attempt has left; sent in the client's `timeoutHeader`, when set, as integer ms.
   */
  async send(request: AttemptRequest, signal: AbortSignal, timeLeftMs: number): Promise<AttemptResult> {
    const fetchImpl = this.#fetch;
    const timeoutHeader = this.#timeoutHeader;
    let response: Response;
    try {
      response = await this.#ky(request.href, {
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
          if (timeoutHeader !== undefined) outgoing.headers.set(timeoutHeader, String(Math.max(1, Math.floor(timeLeftMs))));
          return fetchImpl(outgoing, { ...init, signal });
        },
      });
    } catch (error) {
      return { ok: false, failure: classifyThrown(error, signal, request.timeout) };
    }
    return readAnswer(response, request, signal);
  }
}

async function readAnswer(response: Response, request: AttemptRequest, signal: AbortSignal): Promise<AttemptResult> {
  if (!response.ok) {
    const body = await readFailedBody(response);
    if (signal.aborted) return { ok: false, failure: classifyThrown(signal.reason, signal, request.timeout) };
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
    return answered(response, request, signal, undefined, '');
  }
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    return { ok: false, failure: classifyThrown(error, signal, request.timeout) };
  }
  if (text === '') return answered(response, request, signal, undefined, text);
  if (!JSON_TYPE.test(response.headers.get('content-type') ?? '')) return answered(response, request, signal, text, text);
  let data: unknown;
  try {
    data = JSON.parse(text) as unknown;
  } catch (error) {
    return {
      ok: false,
      failure: { kind: 'invalid-response', status: response.status, excerpt: redactBody(text, BODY_EXCERPT_LIMIT), cause: error },
    };
  }
  return answered(response, request, signal, data, text);
}

/** A successful answer, its body validated by the call's schema when there is one. */
async function answered(response: Response, request: AttemptRequest, signal: AbortSignal, data: unknown, text: string): Promise<AttemptResult> {
  const answer = { status: response.status, headers: response.headers, data };
  if (request.schema === undefined) return { ok: true, response: answer };
  const verdict = await validateBody(request.schema, data, signal);
  if (verdict.ok) return { ok: true, response: { ...answer, data: verdict.value } };
  if (signal.aborted) return { ok: false, failure: classifyThrown(signal.reason, signal, request.timeout) };
  return {
    ok: false,
    failure: {
      kind: 'invalid-response',
      status: response.status,
      excerpt: text === '' ? undefined : redactBody(text, BODY_EXCERPT_LIMIT),
      issues: verdict.issues,
      cause: verdict.cause,
    },
  };
}
