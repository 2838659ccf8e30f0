import ky, { isNetworkError } from 'ky';
import type { Options } from 'ky';

/** The option that carries the failure to the recogniser's fetch (an option ky does not know, so it passes it on). */
const FAILURE = 'resilientHttpFailure';

/**
 * ky over a fetch that fails with the error it is handed: what ky makes of
 * that failure. Retry, timeout and hooks are off, as on the attempt path.
 */
const recogniser = ky.create({
  retry: 0,
  timeout: false,
  throwHttpErrors: false,
  // Rejects with exactly what the real fetch threw, Error or not: that is what ky is asked about.
  // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
  fetch: (_input: Request | URL | string, init?: RequestInit & { [FAILURE]?: unknown }) => Promise.reject(init?.[FAILURE]),
});

/**
 * What ky would have thrown had the failing fetch run under it: a network
 * failure wrapped in ky's `NetworkError` (its cause the fetch's own error),
 * anything else as it was.
 *
 * The global fetch is called without ky on the healthy path (see
 * `Transport`), but a fetch failure's kind is still ky's to tell: a network
 * failure without a system code — msw's `HttpResponse.error()`, a runtime's
 * `TypeError('Failed to fetch')` — is told apart from an argument fetch
 * refused only by ky's knowledge of each runtime's messages. Run on a
 * failure only, so a healthy call pays nothing for it.
 *
 * @param error - What the fetch threw.
 * @param href - The attempt's URL (ky builds its request from it; the failure is already known, so nothing is sent).
 */
export async function recogniseWithKy(error: unknown, href: string): Promise<unknown> {
  // An option ky does not know, which it passes on to the recogniser's fetch.
  const options = { [FAILURE]: error } as Options;
  try {
    await recogniser(href, options);
  } catch (thrown) {
    // Anything else is the failure itself, rethrown, or ky's own refusal to build the request, which must not replace it.
    if (isNetworkError(thrown)) return thrown;
  }
  return error;
}

/**
 * `body`, whose read failures are what ky makes of them (see
 * {@link recogniseWithKy}): a streamed answer of the global fetch, so that a
 * failure mid-body is judged as one before the answer is. It reads one chunk
 * of `body` per chunk asked of it (no buffer of its own: backpressure is
 * `body`'s), and a cancel cancels `body`, which closes its connection.
 *
 * @param body - The answer's body, unread.
 * @param href - The attempt's URL, for ky's request.
 */
export function recognisingFailures(body: ReadableStream<Uint8Array>, href: string): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        let chunk: ReadableStreamReadResult<Uint8Array>;
        try {
          chunk = await reader.read();
        } catch (error) {
          controller.error(await recogniseWithKy(error, href));
          return;
        }
        if (chunk.done) controller.close();
        else controller.enqueue(chunk.value);
      },
      cancel(reason) {
        return reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
}
