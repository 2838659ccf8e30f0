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
