import type { AttemptFailure } from '../errors/attempt-failure.js';

/** What a streamed GET needs to resume: the validator that pins its representation, and its length if known. */
export interface ResumePoint {
  /** The strong `ETag`, else the `Last-Modified` date, sent back in `If-Range`. */
  readonly validator: string;
  /** The first answer's `ETag` and `Last-Modified`, which a resumed part must not contradict. */
  readonly etag: string | null;
  readonly lastModified: string | null;
  /** The full body's length (`Content-Length` of the first answer), when it said. */
  readonly length: number | undefined;
}

/**
 * Whether a streamed answer can be resumed, and on what: a `200` to a GET,
 * without a content coding (ranges count encoded bytes, the caller reads
 * decoded ones), that says `Accept-Ranges: bytes` and carries a validator —
 * a strong `ETag`, else `Last-Modified`. `undefined` when it cannot.
 */
export function resumePointOf(method: string, status: number, headers: Headers): ResumePoint | undefined {
  if (method !== 'GET' || status !== 200) return undefined;
  const coding = headers.get('content-encoding');
  if (coding !== null && coding.trim().toLowerCase() !== 'identity') return undefined;
  if (!/(?:^|,)\s*bytes\s*(?:,|$)/i.test(headers.get('accept-ranges') ?? '')) return undefined;
  const etag = headers.get('etag');
  const strong = etag !== null && /^"[^"]*"$/.test(etag.trim()) ? etag.trim() : undefined;
  const lastModified = headers.get('last-modified');
  const validator = strong ?? lastModified ?? undefined;
  if (validator === undefined) return undefined;
  const length = headers.get('content-length');
  return { validator, etag: etag?.trim() ?? null, lastModified, length: length !== null && /^\d{1,15}$/.test(length) ? Number(length) : undefined };
}

/**
 * The headers of a resume request: the bytes from `delivered` on, only if
 * the representation is still `validator`'s. fetch itself then asks for no
 * content coding (`Accept-Encoding: identity` with any `Range`), as
 * `createUndiciFetch()` does; a 206 with one is refused by {@link checkResumed}.
 */
export function rangeHeaders(headers: Readonly<Record<string, string>>, delivered: number, point: ResumePoint): Record<string, string> {
  return { ...headers, range: `bytes=${delivered}-`, 'if-range': point.validator };
}

/**
 * Checks the answer to a resume request: a `206` whose `Content-Range`
 * starts at `delivered` (and whose length, when both say, is the first
 * answer's), without a content coding, and whose `ETag` and `Last-Modified`,
 * when it sends them, are the first answer's. Anything else — a `200` (the representation changed), another
 * range — is a failure, so bytes of two representations are never mixed.
 */
export function checkResumed(status: number, headers: Headers, delivered: number, point: ResumePoint): AttemptFailure | undefined {
  if (status !== 206) {
    return changed(status, `to a range request: the representation changed or ranges stopped, the download cannot resume`);
  }
  const range = /^\s*bytes\s+(\d{1,15})-(\d{1,15})\/(\d{1,15}|\*)\s*$/i.exec(headers.get('content-range') ?? '');
  if (range === null) return changed(status, 'without a valid Content-Range, the download cannot resume');
  const coding = headers.get('content-encoding');
  if (coding !== null && coding.trim().toLowerCase() !== 'identity') return changed(status, `with Content-Encoding ${coding.trim()}, the download cannot resume`);
  // A cache or proxy may answer the range whatever If-Range said: a part whose validators contradict the first answer's is another representation.
  const etag = headers.get('etag')?.trim() ?? null;
  const lastModified = headers.get('last-modified');
  if ((etag !== null && point.etag !== null && etag !== point.etag) || (lastModified !== null && point.lastModified !== null && lastModified !== point.lastModified)) {
    return changed(status, 'for another version of the resource (its ETag or Last-Modified changed), the download cannot resume');
  }
  const start = Number(range[1]);
  const total = range[3] === '*' ? undefined : Number(range[3]);
  if (start !== delivered || (total !== undefined && point.length !== undefined && total !== point.length)) {
    return changed(status, `with Content-Range ${range[0].trim()} where bytes ${delivered}- were asked, the download cannot resume`);
  }
  return undefined;
}

function changed(status: number, detail: string): AttemptFailure {
  return { kind: 'invalid-response', status, body: undefined, cause: undefined, detail };
}
