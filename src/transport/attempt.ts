import ky from 'ky';

import type { StandardSchemaV1 } from '../errors/standard-schema.js';
import type { AttemptOverrides } from './attempt-overrides.js';
import { timeoutHeaderValue } from './attempt-overrides.js';
import type { AttemptResult } from './attempt-result.js';
import type { DispatcherLike } from './dispatcher.js';
import { answerFetchOf, isInitOnlyFetch } from './init-only-fetch.js';
import type { AnswerFetch, FetchedAnswer } from './init-only-fetch.js';
import { classifyThrown, duringBody } from './network-error.js';
import type { AttemptLimits } from './attempt-signal.js';
import { FAILED_BODY_READ_LIMIT, readFailedBody } from './response-body.js';
import { readBody } from './read-body.js';
import { recogniseWithKy, recognisingFailures } from './ky-recognition.js';
import type { BodyRead, BodyRules } from './read-body.js';
import { parseRetryAfter } from './retry-after.js';
import { validateBody } from './validate-body.js';

const NO_BODY_STATUS = new Set([204, 205, 304]);
/** The global fetch, read at each attempt: msw and other interceptors replace it after the client is made. */
const globalFetch: AnswerFetch = (input, init) => globalThis.fetch(input, init);
/** The ky option that carries an attempt's fetch init to the client's one fetch. */
const ATTEMPT_INIT = 'resilientHttpAttemptInit';

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
  /** How a successful answer's body is handed over; `'stream'` leaves it unread. */
  readonly responseType: BodyRules['responseType'];
  /** Most decoded bytes of a successful answer held in memory; `undefined` for no limit. */
  readonly maxResponseSize: number | undefined;
  /** Validates a successful answer's parsed body (see {@link validateBody}). */
  readonly schema?: StandardSchemaV1 | undefined;
}

/**
 * One attempt, over fetch. Built once per client; ky's own retry and timeout
 * are off, since the policies above own both, so the upstream sees at most
 * `maxAttempts` requests.
 *
 * A fetch that reads only the URL and `init` is called with them directly:
 * the global fetch (when no `fetch` option is given), and a fetch marked
 * `INIT_ONLY_FETCH` (`createUndiciFetch()`'s). ky's per-call work — merging
 * its options, an `AbortController`, a `Request` that fetch copies into one
 * of its own — was a quarter of a call over the global fetch, for nothing
 * such a fetch reads; the global fetch's failures are still classified as ky
 * would (see {@link recogniseWithKy}). A `fetch` option of the caller's gets
 * the `Request` ky built, as documented.
 */
export class Transport {
  /**
   * What an attempt is sent through, called with the URL and `init`: the global fetch, an init-only one (see
   * `INIT_ONLY_FETCH`) in its cheaper form when it has one, or ky over the caller's fetch.
   */
  readonly #fetch: AnswerFetch;
  readonly #timeoutHeader: string | undefined;
  readonly #dispatcher: DispatcherLike | undefined;

  /**
   * @param fetchImpl - The fetch to use; the global fetch, read at each attempt (msw installs it late), when absent.
   * @param timeoutHeader - Lower-case header that tells the upstream the time each attempt has left; none when absent.
   * @param dispatcher - An undici dispatcher handed to fetch on every attempt (`init.dispatcher`).
   */
  constructor(fetchImpl: typeof fetch | undefined, timeoutHeader?: string, dispatcher?: DispatcherLike) {
    this.#timeoutHeader = timeoutHeader;
    this.#dispatcher = dispatcher;
    this.#fetch =
      fetchImpl === undefined ? globalFetch : (answerFetchOf(fetchImpl) ?? (isInitOnlyFetch(fetchImpl) ? fetchImpl : kyOver(fetchImpl)));
  }

  /**
   * Sends one attempt and reads its answer. Never throws: every outcome,
   * including a thrown network error or an aborted read, comes back as an
   * {@link AttemptResult}. The body of a failed answer is read (bounded) or
   * cancelled, so its connection is released.
   *
   * What the attempt sends goes to `fetch` in its `init` — over the Request ky
   * built, for a caller's `fetch` (measured in bench/): the attempt's signal — ky would link it to
   * its own controller with `AbortSignal.any` —, the headers — ky merges
   * option headers through two extra `Headers` objects —, the body as the
   * caller gave it (a string keeps its length, a stream stays a stream), the
   * redirect mode and the dispatcher. fetch honours `init` over the Request's
   * own fields, so timeouts, hedge losses and caller aborts still cancel the
   * request and its body; a custom `fetch` option must read `init` too, as
   * the standard one does. The global fetch, and a fetch marked as init-only
   * (`INIT_ONLY_FETCH`), get the URL and the same `init`, and no Request — in
   * the cheaper form (`ANSWER_FETCH`) when the fetch has one, whose answer is
   * no `Response` and has a body stream only if one is read.
   *
   * @param request - What to send.
   * @param signal - The attempt's signal (its timeout, the caller's and the context's cancellation).
   * @param timeLeftMs - The time this attempt has left; sent in the client's `timeoutHeader`, when set, as integer ms.
   * @param overrides - The headers (timeout header included) and body the policies prepared for this attempt, when any.
   */
  async send(request: AttemptRequest, signal: AbortSignal, timeLeftMs: number, overrides?: AttemptOverrides): Promise<AttemptResult> {
    const timeoutHeader = this.#timeoutHeader;
    const fetchAnswer = this.#fetch;
    const headers =
      overrides !== undefined
        ? overrides.headers
        : timeoutHeader === undefined
          ? request.headers
          : { ...request.headers, [timeoutHeader]: timeoutHeaderValue(timeLeftMs) };
    const init: RequestInit & { duplex?: 'half'; dispatcher?: DispatcherLike } = {
      method: request.method,
      headers,
      signal,
      // A redirect is answered as what it is (an UpstreamHttpError), never followed: fetch would
      // carry the client's headers (API keys, tokens) to wherever the Location points.
      redirect: 'manual',
    };
    const body = overrides === undefined ? request.body : overrides.body;
    if (body !== undefined && body !== null) {
      init.body = body;
      init.duplex = 'half'; // required by fetch for a stream body, ignored for the others
    }
    if (this.#dispatcher !== undefined) init.dispatcher = this.#dispatcher;
    let response: FetchedAnswer;
    try {
      response = await fetchAnswer(request.href, init);
    } catch (error) {
      // The global fetch's failures are judged by ky; our own signal's abort needs no judging: it is classified by its reason.
      const thrown = fetchAnswer === globalFetch && !signal.aborted ? await recogniseWithKy(error, request.href) : error;
      return { ok: false, failure: classifyThrown(thrown, signal, request.timeout) };
    }
    // Awaited rather than returned: an async function that returns a promise pays two more microtask turns.
    const result = await readAnswer(response, request, signal);
    if (fetchAnswer !== globalFetch) return result;
    // A body read the global fetch failed (its `terminated`, over a cause that may carry no system code, such as a
    // malformed chunk): ky tells whether that is the network, as for a failure before the answer; a streamed body's
    // failures go the same way as they come.
    if (!result.ok && result.failure.kind === 'unexpected' && !signal.aborted) {
      const recognised = await recogniseWithKy(result.failure.cause, request.href);
      return { ok: false, failure: duringBody(classifyThrown(recognised, signal, request.timeout), response.status) };
    }
    if (result.ok && result.response.body != null) {
      return { ok: true, response: { ...result.response, body: recognisingFailures(result.response.body, request.href) } };
    }
    return result;
  }
}

/**
 * ky over a caller's `fetch`: one ky instance for the client's life, to which
 * each attempt hands its `init` as an option ky does not know (passed through
 * to fetch), so no closure is made per attempt.
 */
function kyOver(fetchImpl: typeof fetch): AnswerFetch {
  const http = ky.create({
    retry: 0,
    timeout: false,
    throwHttpErrors: false,
    fetch: (input: Request | URL | string, kyInit?: RequestInit & { [ATTEMPT_INIT]?: RequestInit }) => fetchImpl(input, kyInit?.[ATTEMPT_INIT] ?? kyInit),
  });
  return (href, init) => {
    const options = { method: init.method ?? 'GET', [ATTEMPT_INIT]: init };
    return http(href, options);
  };
}

/**
 * The attempt's answer: a failed status's body read (bounded) for the error,
 * an answer without a body released, a body read the way the call asked —
 * handed on as it comes, without another frame, unless a schema validates it.
 */
function readAnswer(response: FetchedAnswer, request: AttemptRequest, signal: AbortSignal): Promise<AttemptResult> {
  // Each of the Response's getters is a checked call into fetch: read status and headers once.
  const status = response.status;
  const headers = response.headers;
  if (status < 200 || status > 299) return failedAnswer(response, status, headers, request, signal);
  const read = request.method === 'HEAD' || NO_BODY_STATUS.has(status) ? emptyAnswer(response, status, headers) : readBody(response, status, headers, request, signal);
  return request.schema === undefined ? read : validated(read, request, request.schema, signal);
}

async function failedAnswer(response: FetchedAnswer, status: number, headers: Headers, request: AttemptRequest, signal: AbortSignal): Promise<AttemptResult> {
  const body = await readFailedBody(response);
  if (signal.aborted) return { ok: false, failure: classifyThrown(signal.reason, signal, request.timeout) };
  const retryAfter = status === 429 || status === 503 ? parseRetryAfter(headers.get('retry-after'), Date.now()) : undefined;
  return {
    ok: false,
    failure: { kind: 'status', status, statusText: response.statusText, body: body.text, problem: body.problem, retryAfterMs: retryAfter },
  };
}

async function emptyAnswer(response: FetchedAnswer, status: number, headers: Headers): Promise<BodyRead> {
  await response.body?.cancel().catch(() => undefined);
  return { ok: true, response: { status, headers, data: undefined } };
}

/** A successful answer whose body the call's schema validates. */
async function validated(pending: Promise<BodyRead>, request: AttemptRequest, schema: StandardSchemaV1, signal: AbortSignal): Promise<AttemptResult> {
  const read = await pending;
  if (!read.ok) return read;
  const { response: answer, text } = read;
  const verdict = await validateBody(schema, answer.data, signal);
  if (verdict.ok) return { ok: true, response: { ...answer, data: verdict.value } };
  if (signal.aborted) return { ok: false, failure: classifyThrown(signal.reason, signal, request.timeout) };
  return {
    ok: false,
    failure: {
      kind: 'invalid-response',
      status: answer.status,
      body: text === undefined || text === '' ? undefined : text.slice(0, FAILED_BODY_READ_LIMIT),
      issues: verdict.issues,
      cause: verdict.cause,
    },
  };
}
