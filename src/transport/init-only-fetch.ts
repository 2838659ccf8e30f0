/**
 * Marks a `fetch` that reads everything it sends from the URL and `init`,
 * never from a `Request` (as `createUndiciFetch()`'s does): the transport
 * then hands it the attempt's URL and `init` directly instead of going
 * through ky, whose per-call work (merging its options, an `AbortController`,
 * a `Request` that such a fetch would only read the URL from) is most of
 * what a fast fetch leaves. A registered symbol, so two copies of the
 * package agree on it.
 */
export const INIT_ONLY_FETCH: unique symbol = Symbol.for('resilient-http.fetch.initOnly');

/** A fetch carrying the {@link INIT_ONLY_FETCH} mark. */
export interface InitOnlyFetch {
  (input: string, init: RequestInit): Promise<Response>;
  readonly [INIT_ONLY_FETCH]: true;
}

/** Whether `fetchImpl` carries the {@link INIT_ONLY_FETCH} mark. */
export function isInitOnlyFetch(fetchImpl: typeof fetch | undefined): fetchImpl is typeof fetch & InitOnlyFetch {
  return (fetchImpl as Partial<InitOnlyFetch> | undefined)?.[INIT_ONLY_FETCH] === true;
}

/**
 * The part of a `Response` the transport reads. A `Response` is one; an
 * {@link AnswerFetch} hands back a lighter one whose body becomes a stream
 * only when read as one.
 */
export interface FetchedAnswer {
  readonly status: number;
  readonly statusText: string;
  readonly headers: Headers;
  /** The body as a stream; `null` for none. */
  readonly body: ReadableStream<Uint8Array> | null;
  /** The whole body, decoded as UTF-8. */
  text(): Promise<string>;
  /** The whole body, as bytes. */
  arrayBuffer(): Promise<ArrayBuffer>;
}

/**
 * Where an init-only fetch keeps its cheaper form: the same request, sent the
 * same way and failing the same way, answered with a {@link FetchedAnswer}
 * instead of a `Response` (`createUndiciFetch()`'s skips the `Response` and
 * the body stream a small answer read whole never needs). Registered, as
 * {@link INIT_ONLY_FETCH} is.
 */
export const ANSWER_FETCH: unique symbol = Symbol.for('resilient-http.fetch.answer');

/** An init-only fetch's cheaper form (see {@link ANSWER_FETCH}). */
export type AnswerFetch = (input: string, init: RequestInit) => Promise<FetchedAnswer>;

/** The cheaper form `fetchImpl` carries, if any. */
export function answerFetchOf(fetchImpl: typeof fetch | undefined): AnswerFetch | undefined {
  const form = (fetchImpl as { [ANSWER_FETCH]?: unknown } | undefined)?.[ANSWER_FETCH];
  return typeof form === 'function' ? (form as AnswerFetch) : undefined;
}
