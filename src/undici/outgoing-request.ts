import type { Dispatcher } from 'undici';

/** The request one fetch call sends, in undici's terms. */
export interface OutgoingDispatch {
  readonly options: Dispatcher.DispatchOptions;
  readonly signal: AbortSignal | undefined;
  /** A dispatcher given in `init` (as the global fetch accepts one), over this fetch's own. */
  readonly dispatcher: Dispatcher | undefined;
}

type HeaderRecord = Record<string, string>;
/** undici also sends async iterables (a web ReadableStream is one) chunked; its type names only some. */
type Body = NonNullable<Dispatcher.DispatchOptions['body']> | null;

/** The init fields this fetch reads, including undici's `dispatcher` extension. */
type FetchInit = RequestInit & { dispatcher?: Dispatcher };

/**
 * Reads fetch's arguments as fetch does: `init` fields win over the
 * `Request`'s. Returns a promise only when the body needs an asynchronous
 * encoding (Blob, FormData); strings, bytes and streams go to undici as they
 * are, so a buffered body keeps its `content-length` and a stream is sent
 * chunked, without being buffered.
 *
 * @throws TypeError for what fetch refuses: a body on GET or HEAD, a non-http(s) URL.
 */
export function outgoingFrom(input: string | URL | Request, init: FetchInit | undefined): OutgoingDispatch | Promise<OutgoingDispatch> {
  const request = input instanceof Request ? input : undefined;
  const url = new URL(input instanceof Request ? input.url : input);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError(`fetch failed: unsupported protocol ${url.protocol}`);
  const method = (init?.method ?? request?.method ?? 'GET').toUpperCase();
  const headers = headersFrom(init?.headers ?? request?.headers);
  // fetch's defaults (undici's choice of codings), so servers compress for this fetch as they do for fetch;
  // as fetch does, a Range asks for no coding (a range counts the bytes as sent).
  headers.accept ??= '*/*';
  headers['accept-encoding'] ??= headers.range !== undefined ? 'identity' : url.protocol === 'https:' ? 'br, gzip, deflate' : 'gzip, deflate';
  const rawBody = init?.body !== undefined ? init.body : (request?.body ?? null);
  if (rawBody !== null && (method === 'GET' || method === 'HEAD')) throw new TypeError('Request with GET/HEAD method cannot have body.');
  if (init?.redirect === 'error' || (init?.redirect === undefined && request?.redirect === 'error')) {
    throw new TypeError('redirect: "error" is not supported: this fetch never follows a redirect, it returns the 3xx');
  }
  const origin = url.origin;
  const path = `${url.pathname}${url.search}`;
  const signal = init?.signal ?? request?.signal ?? undefined;
  const dispatcher = init?.dispatcher;
  const body = plainBody(rawBody, headers);
  if (body !== NEEDS_ENCODING) return { options: { origin, path, method, headers, body }, signal, dispatcher };
  return encodedBody(rawBody as Blob | FormData, headers).then((encoded) => ({
    options: { origin, path, method, headers, body: encoded },
    signal,
    dispatcher,
  }));
}

function headersFrom(init: HeadersInit | undefined): HeaderRecord {
  const out: HeaderRecord = {};
  if (init === undefined) return out;
  if (init instanceof Headers) {
    for (const [name, value] of init) out[name] = value;
  } else if (Array.isArray(init)) {
    for (const [name, value] of init) append(out, name.toLowerCase(), value);
  } else {
    for (const name in init) append(out, name.toLowerCase(), (init as HeaderRecord)[name] as string);
  }
  return out;
}

function append(out: HeaderRecord, name: string, value: string): void {
  const existing = out[name];
  out[name] = existing === undefined ? value : `${existing}, ${value}`;
}

const NEEDS_ENCODING = Symbol('needs encoding');

/** The body undici can send as it is; sets fetch's default `content-type` where fetch would. */
function plainBody(body: unknown, headers: HeaderRecord): Body | typeof NEEDS_ENCODING {
  if (body === null || body === undefined) return null;
  if (typeof body === 'string') {
    headers['content-type'] ??= 'text/plain;charset=UTF-8';
    return body;
  }
  if (body instanceof Uint8Array) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  if (ArrayBuffer.isView(body)) return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
  if (body instanceof URLSearchParams) {
    headers['content-type'] ??= 'application/x-www-form-urlencoded;charset=UTF-8';
    return body.toString();
  }
  if (body instanceof ReadableStream || typeof (body as { pipe?: unknown }).pipe === 'function' || (typeof body === 'object' && Symbol.asyncIterator in body)) {
    return body as Body;
  }
  return NEEDS_ENCODING;
}

/** Blob and FormData: encoded by the platform's own Response, which also names the multipart boundary. */
async function encodedBody(body: Blob | FormData, headers: HeaderRecord): Promise<Uint8Array> {
  const encoded = new Response(body);
  const type = encoded.headers.get('content-type');
  if (type !== null) headers['content-type'] ??= type;
  return new Uint8Array(await encoded.arrayBuffer());
}
