import type { FetchedAnswer } from './init-only-fetch.js';
import { isProblemContentType, readProblemDetails } from '../errors/problem-details.js';
import type { ProblemDetails } from '../errors/problem-details.js';

/** Most bytes read from a failed response before the rest is cancelled. */
export const FAILED_BODY_READ_LIMIT = 64 * 1024;

/**
 * What is kept of a failed response's body, as read: the `UpstreamError` it
 * goes into redacts both, then cuts the text to its excerpt.
 */
export interface FailedBody {
  /** The body's text, at most the read limit's bytes, when there was a body. */
  text: string | undefined;
  /** Parsed problem details, when the body was `application/problem+json`. */
  problem: ProblemDetails | undefined;
}

/**
 * Reads a failed response's body, at most `limit` bytes, and releases the
 * connection either way: a body read to its end lets keep-alive reuse the
 * socket; a larger one is cancelled (closing that socket) rather than left
 * unread, which would pin it (undici keeps unread bodies of 64 KB or more).
 */
export async function readFailedBody(response: FetchedAnswer, limit = FAILED_BODY_READ_LIMIT): Promise<FailedBody> {
  const text = await readBounded(response, limit);
  if (text === '') return { text: undefined, problem: undefined };
  const problem = isProblemContentType(response.headers.get('content-type')) ? readProblemDetails(text) : undefined;
  return { text, problem };
}

const decoder = new TextDecoder();

/** Text of at most `limit` bytes of a body; cancels the stream when there is more. Never throws. */
async function readBounded(response: FetchedAnswer, limit: number): Promise<string> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  try {
    const body = response.body;
    if (body === null) return '';
    reader = body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
      if (size >= limit) {
        // Not awaited: the cancel closes the socket on undici, but msw's mocked streams never settle it.
        reader.cancel().catch(() => undefined);
        break;
      }
    }
  } catch {
    await reader?.cancel().catch(() => undefined);
  } finally {
    reader?.releaseLock();
  }
  return decoder.decode(Buffer.concat(chunks, Math.min(size, limit)));
}
