import type { FetchedAnswer } from './init-only-fetch.js';
import type { AttemptResponse, AttemptResult } from './attempt-result.js';
import { autoResponseType, decoderFor, isUtf8, parseMediaType } from './media-type.js';
import type { MediaType, ResponseType } from './media-type.js';
import { classifyThrown, duringBody } from './network-error.js';
import type { AttemptLimits } from './attempt-signal.js';
import { FAILED_BODY_READ_LIMIT } from './response-body.js';

/** What reading a successful answer's body needs to know of the call. */
export interface BodyRules {
  /** How to hand the body over; `'stream'` leaves it unread for the caller. */
  readonly responseType: ResponseType | 'stream';
  /** Most decoded bytes held in memory; `undefined` for no limit. */
  readonly maxResponseSize: number | undefined;
  /** The call's timeouts, reported on a timeout failure. */
  readonly timeout: AttemptLimits;
}

/**
 * What a body read came to: the attempt's answer (and the text it was parsed
 * from, which a schema's rejection quotes), or the failure. An attempt's
 * result as it is: the healthy path hands it on without another frame.
 */
export type BodyRead =
  | { readonly ok: true; readonly response: AttemptResponse; readonly text?: string | undefined }
  | { readonly ok: false; readonly failure: Extract<AttemptResult, { ok: false }>['failure'] };

/** Bodies up to this size with a `Content-Length` and no content coding are read by fetch itself, in one call. */
const DIRECT_READ_LIMIT = 1024 * 1024;
/** Errors that say a body is too large for the engine to hold (not a network failure). */
const UNHOLDABLE = /^ERR_(?:STRING_TOO_LONG|BUFFER_TOO_LARGE|OUT_OF_RANGE|INVALID_BUFFER_SIZE)$/;

/**
 * Reads a 2xx answer's body the way the call asked: bounded by
 * `maxResponseSize` counted on decoded bytes (a `Content-Length` above it
 * fails before anything is read), typed by `responseType`, decoded by the
 * `content-type`'s charset. Over the limit, the body is cancelled, which
 * closes its connection. Never throws.
 */
export async function readBody(response: FetchedAnswer, status: number, headers: Headers, rules: BodyRules, signal: AbortSignal): Promise<BodyRead> {
  const limit = rules.maxResponseSize;
  const declared = declaredLength(headers.get('content-length'));
  if (limit !== undefined && declared !== undefined && declared > limit) {
    discard(response);
    return tooLarge(status, limit, 0, declared);
  }
  if (rules.responseType === 'stream') return { ok: true, response: { status, headers, data: undefined, body: response.body } };
  const type = parseMediaType(headers.get('content-type'));
  const mode = rules.responseType === 'auto' ? autoResponseType(type) : rules.responseType;
  try {
    if (declared !== undefined && declared <= DIRECT_READ_LIMIT && !headers.has('content-encoding')) {
      // The common small answer: fetch reads exactly Content-Length bytes, so its own readers stay bounded.
      if (mode === 'bytes') return asBytes(status, headers, new Uint8Array(await response.arrayBuffer()));
      if (isUtf8(type)) return decoded(mode, await response.text(), status, headers);
    }
    const chunks = await readChunks(response, limit);
    if (!Array.isArray(chunks)) return tooLarge(status, limit ?? 0, chunks.receivedBytes, undefined);
    if (mode === 'bytes') return asBytes(status, headers, concat(chunks));
    return decoded(mode, decodeChunks(chunks, type, mode), status, headers);
  } catch (error) {
    if (!signal.aborted && isUnholdable(error)) {
      return { ok: false, failure: { kind: 'invalid-response', status, body: undefined, cause: error, detail: 'with a body too large to hold in memory' } };
    }
    return { ok: false, failure: duringBody(classifyThrown(error, signal, rules.timeout), status) };
  }
}

/**
 * A `Content-Length` as a safe integer, or `undefined` when absent or
 * malformed. A length past the largest safe integer (a body no limit
 * admits) counts as that integer, so it is still refused before any of it
 * is read.
 */
function declaredLength(value: string | null): number | undefined {
  if (value === null) return undefined;
  const digits = value.trim();
  if (!/^\d+$/.test(digits)) return undefined;
  const length = Number(digits);
  return Number.isSafeInteger(length) ? length : Number.MAX_SAFE_INTEGER;
}

/** Cancels a body without waiting: the cancel closes the socket on undici, but msw's mocked streams never settle it. */
function discard(response: FetchedAnswer): void {
  response.body?.cancel().catch(() => undefined);
}

function tooLarge(status: number, limit: number, receivedBytes: number, declaredBytes: number | undefined): BodyRead {
  return { ok: false, failure: { kind: 'too-large', status, limit, receivedBytes, declaredBytes } };
}

/** The body's chunks, or how far it got when it passed `limit` (the body is then cancelled). */
async function readChunks(response: FetchedAnswer, limit: number | undefined): Promise<Uint8Array[] | { receivedBytes: number }> {
  const body = response.body;
  if (body === null) return [];
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return chunks;
      size += value.byteLength;
      if (limit !== undefined && size > limit) {
        reader.cancel().catch(() => undefined);
        return { receivedBytes: size };
      }
      chunks.push(value);
    }
  } catch (error) {
    reader.cancel().catch(() => undefined);
    throw error;
  } finally {
    reader.releaseLock();
  }
}

function concat(chunks: readonly Uint8Array[]): Uint8Array {
  let size = 0;
  for (const chunk of chunks) size += chunk.byteLength;
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

/** Text of the chunks, decoded chunk by chunk (no copy of the whole body first). JSON without a charset is UTF-8. */
function decodeChunks(chunks: readonly Uint8Array[], type: MediaType, mode: 'json' | 'text'): string {
  const decoder = mode === 'json' && type.charset === undefined ? new TextDecoder() : decoderFor(type);
  let text = '';
  for (const chunk of chunks) text += decoder.decode(chunk, { stream: true });
  return text + decoder.decode();
}

function asBytes(status: number, headers: Headers, bytes: Uint8Array): BodyRead {
  return { ok: true, response: { status, headers, data: bytes.byteLength === 0 ? undefined : bytes } };
}

/** The body as `mode` asks; an empty one is `undefined`; JSON that does not parse is an invalid response. */
function decoded(mode: 'json' | 'text', text: string, status: number, headers: Headers): BodyRead {
  if (text === '') return { ok: true, response: { status, headers, data: undefined }, text };
  if (mode === 'text') return { ok: true, response: { status, headers, data: text }, text };
  try {
    return { ok: true, response: { status, headers, data: JSON.parse(text) as unknown }, text };
  } catch (error) {
    return { ok: false, failure: { kind: 'invalid-response', status, body: text.slice(0, FAILED_BODY_READ_LIMIT), cause: error } };
  }
}

function isUnholdable(error: unknown): boolean {
  if (error instanceof RangeError) return true;
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' && UNHOLDABLE.test(code);
}
