import type { Answer } from './answers.js';

/** Headers and status of a body answer. */
export interface BodyAnswerInit {
  /**
   * HTTP status.
   * @default 200
   */
  status?: number;
  /**
   * The `content-type`.
   * @default 'application/octet-stream'
   */
  contentType?: string;
  /** More response headers. */
  headers?: Record<string, string>;
}

const CHUNK = 64 * 1024;

/** Bytes `from`…`to` of a body of `size` zero bytes, or of `bytes`, made as they are read (never the whole body at once). */
function slice(bytes: Uint8Array | number, from: number, to: number): Uint8Array {
  return typeof bytes === 'number' ? new Uint8Array(to - from) : bytes.subarray(from, to);
}

function lengthOf(bytes: Uint8Array | number): number {
  return typeof bytes === 'number' ? bytes : bytes.byteLength;
}

function headersOf(init: BodyAnswerInit, extra: Record<string, string> = {}): Record<string, string> {
  return { 'content-type': init.contentType ?? 'application/octet-stream', ...extra, ...init.headers };
}

/** Waits `ms` (forever with `'infinite'`) unless `signal` aborts first; true when the wait ran its course. */
function pause(ms: number | 'infinite', signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const done = (ranItsCourse: boolean): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      resolve(ranItsCourse);
    };
    const onAbort = (): void => {
      done(false);
    };
    const timer = ms === 'infinite' ? undefined : setTimeout(done, ms, true);
    signal.addEventListener('abort', onAbort);
  });
}

/** The error a fetch body raises when its connection drops mid-way (undici's shape: `terminated` over a socket error). */
function connectionDropped(): TypeError {
  return new TypeError('terminated', { cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }) });
}

/**
 * An answer with a large body — `size` bytes, made as they are read, so the
 * test holds none of it — for testing `maxResponseSize` (the client stops at
 * the limit with `UpstreamResponseTooLargeError`). With `declareLength`, the
 * answer announces its size in `Content-Length`, which the client refuses
 * before reading.
 *
 * @param size - The body's size in bytes.
 * @param init - Status, content type, headers, and whether to send `Content-Length`.
 * @example
 * ```ts
 * server.use(files.always('get', 'export', oversizedBody(64 * 1024 * 1024)));
 * await expect(client.get('export')).rejects.toBeInstanceOf(UpstreamResponseTooLargeError);
 * ```
 */
export function oversizedBody(size: number, init: BodyAnswerInit & { declareLength?: boolean } = {}): Answer {
  return () => {
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= size) {
          controller.close();
          return;
        }
        const next = Math.min(size, sent + CHUNK);
        controller.enqueue(slice(size, sent, next));
        sent = next;
      },
    }, { highWaterMark: 0 });
    const length: Record<string, string> = init.declareLength === true ? { 'content-length': String(size) } : {};
    return new Response(body, { status: init.status ?? 200, headers: headersOf(init, length) });
  };
}

/**
 * An answer whose connection drops after `afterBytes` of the body: the
 * client's read fails as a network error mid-body (`UpstreamNetworkError`,
 * or a resume of a `stream()` when the headers allow ranges).
 *
 * @param body - The whole body (bytes), or its size in zero bytes.
 * @param afterBytes - Bytes delivered before the drop.
 * @param init - Status, content type and headers (e.g. `accept-ranges` and `etag`).
 * @example
 * ```ts
 * server.use(files.always('get', 'export', cutBody(1_000_000, 4096)));
 * const { body } = await client.stream('GET', 'export');
 * // reading `body` fails with UpstreamNetworkError after 4096 bytes
 * ```
 */
export function cutBody(body: Uint8Array | number, afterBytes: number, init: BodyAnswerInit = {}): Answer {
  return () => {
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= afterBytes) {
          controller.error(connectionDropped());
          return;
        }
        const next = Math.min(afterBytes, sent + CHUNK);
        controller.enqueue(slice(body, sent, next));
        sent = next;
      },
    }, { highWaterMark: 0 });
    return new Response(stream, { status: init.status ?? 200, headers: headersOf(init, { 'content-length': String(lengthOf(body)) }) });
  };
}

/**
 * An answer whose body trickles: `chunkBytes` at a time, `intervalMs` apart
 * (or the first chunk and then nothing, with `'infinite'`), for testing
 * `timeout.idle` (a stall fails the stream with `UpstreamTimeoutError`,
 * `timeoutKind: 'idle'`) and the total timeout of a slow download.
 *
 * @param body - The whole body (bytes), or its size in zero bytes.
 * @param pace - Bytes per chunk and the wait between chunks.
 * @param init - Status, content type and headers.
 * @example
 * ```ts
 * server.use(files.always('get', 'export', tricklingBody(1024, { chunkBytes: 16, intervalMs: 'infinite' })));
 * ```
 */
export function tricklingBody(
  body: Uint8Array | number,
  pace: { chunkBytes: number; intervalMs: number | 'infinite' },
  init: BodyAnswerInit = {},
): Answer {
  return (request) => {
    const size = lengthOf(body);
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (sent >= size) {
          controller.close();
          return;
        }
        if (sent > 0 && !(await pause(pace.intervalMs, request.signal))) {
          // The client gave up (its idle timeout, its signal): end the body, as a server whose client left does.
          controller.error(connectionDropped());
          return;
        }
        const next = Math.min(size, sent + Math.max(1, pace.chunkBytes));
        controller.enqueue(slice(body, sent, next));
        sent = next;
      },
    }, { highWaterMark: 0 });
    // A length, as a server that knows its file sends it: a connection closed early is then an error, not an end.
    return new Response(stream, { status: init.status ?? 200, headers: headersOf(init, { 'content-length': String(size) }) });
  };
}
