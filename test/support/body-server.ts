import { Readable, pipeline } from 'node:stream';
import type { IncomingMessage, ServerResponse } from 'node:http';
import * as zlib from 'node:zlib';

/** What a streaming handler wrote before it stopped, read after the client closed or the body ended. */
export interface WriteTally {
  /** Bytes handed to the socket (encoded, as on the wire). */
  wire: number;
  /** Bytes of the body before encoding. */
  decoded: number;
  /** True once the server had nothing more to write. */
  finished: boolean;
}

/**
 * Streams a decompression bomb: `decodedBytes` of zeros compressed on the fly
 * with `encoding`, under backpressure, so the server produces only what the
 * client reads. The tally tells how much it got to send.
 */
export function sendBomb(response: ServerResponse, encoding: 'gzip' | 'br', decodedBytes: number, tally: WriteTally): void {
  response.writeHead(200, { 'content-type': 'application/json', 'content-encoding': encoding });
  const zeros = Buffer.alloc(256 * 1024);
  const source = new Readable({
    read() {
      if (tally.decoded >= decodedBytes) {
        this.push(null);
        return;
      }
      tally.decoded += zeros.length;
      this.push(zeros);
    },
  });
  const compress = encoding === 'gzip'
    ? zlib.createGzip({ level: 9 })
    : zlib.createBrotliCompress({ params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 5 } });
  compress.on('data', (chunk: Buffer) => {
    tally.wire += chunk.length;
  });
  pipeline(source, compress, response, (error) => {
    tally.finished = error === undefined || error === null;
  });
}

/** Streams `size` bytes of `fill` in 64 KiB writes under backpressure, counting what it wrote. */
export function sendLarge(response: ServerResponse, size: number, tally: WriteTally, headers: Record<string, string> = {}): void {
  response.writeHead(200, { 'content-type': 'application/octet-stream', ...headers });
  const chunk = Buffer.alloc(64 * 1024, 0x61);
  const write = (): void => {
    while (tally.decoded < size) {
      const piece = chunk.subarray(0, Math.min(chunk.length, size - tally.decoded));
      tally.decoded += piece.length;
      tally.wire += piece.length;
      if (!response.write(piece)) {
        response.once('drain', write);
        return;
      }
    }
    tally.finished = true;
    response.end();
  };
  response.on('close', () => {
    response.off('drain', write);
  });
  write();
}

/** A fresh tally. */
export function tally(): WriteTally {
  return { wire: 0, decoded: 0, finished: false };
}

/** How a range-serving resource answers one request. */
export interface RangeBehaviour {
  /** Cut the connection after this many body bytes of this answer (`undefined`: send it all). */
  cutAfter?: number | undefined;
  /** Stop sending (without closing) after this many body bytes. */
  stallAfter?: number | undefined;
  /** Ignore `Range` and send the whole body with 200 (a representation that changed). */
  ignoreRange?: boolean | undefined;
  /** Answer `Range` with 206 whatever `If-Range` says, under these headers (a cache or proxy that gets it wrong). */
  brokenRange?: Record<string, string> | undefined;
}

/**
 * Serves `body` as a static file server does: `Accept-Ranges: bytes`, a
 * strong `ETag` (or only `Last-Modified` when `etag` is false), `Range` with
 * `If-Range` answered `206` with `Content-Range`. `behave(n)` says how the
 * n-th request (1-based) is answered, to cut or stall it mid-body.
 */
export function rangeResource(
  body: Buffer,
  behave: (n: number) => RangeBehaviour = () => ({}),
  validators: { etag?: string | false; lastModified?: string } = {},
): (request: IncomingMessage, response: ServerResponse) => void {
  let n = 0;
  const etag = validators.etag === undefined ? '"v1"' : validators.etag;
  return (request, response) => {
    n++;
    const behaviour = behave(n);
    const headers: Record<string, string> = { 'content-type': 'application/octet-stream', 'accept-ranges': 'bytes' };
    if (etag !== false) headers.etag = etag;
    if (validators.lastModified !== undefined) headers['last-modified'] = validators.lastModified;
    const range = /^bytes=(\d+)-$/.exec(request.headers.range ?? '');
    const ifRange = request.headers['if-range'];
    const validatorMatches = ifRange === undefined || ifRange === etag || ifRange === validators.lastModified || behaviour.brokenRange !== undefined;
    if (range !== null && behaviour.brokenRange !== undefined) Object.assign(headers, behaviour.brokenRange);
    let start = 0;
    if (range !== null && validatorMatches && behaviour.ignoreRange !== true) {
      start = Number(range[1]);
      headers['content-range'] = `bytes ${start}-${body.length - 1}/${body.length}`;
      headers['content-length'] = String(body.length - start);
      response.writeHead(206, headers);
    } else {
      headers['content-length'] = String(body.length);
      response.writeHead(200, headers);
    }
    const rest = body.subarray(start);
    const stop = behaviour.cutAfter ?? behaviour.stallAfter;
    if (stop === undefined) {
      response.end(rest);
      return;
    }
    response.write(rest.subarray(0, stop), () => {
      if (behaviour.cutAfter !== undefined) response.socket?.destroy();
    });
  };
}
