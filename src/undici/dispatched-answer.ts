import type { FetchedAnswer } from '../transport/init-only-fetch.js';
import { fetchFailed } from './fetch-errors.js';

/** Bytes held before the socket is paused, until someone reads them. */
const HIGH_WATER_MARK = 64 * 1024;
const BYTE_SIZE = { highWaterMark: HIGH_WATER_MARK, size: (chunk: Uint8Array) => chunk.byteLength };
const utf8 = new TextDecoder();

/** Where an answer's bytes come from: the socket (or the last decoder), paused while nobody reads. */
export interface BodySource {
  /** The reader wants more: resume the socket (or the last decoder). */
  resume(): void;
  /** The reader gave up: abort the request, which closes its socket. */
  cancel(reason: unknown): void;
}

/**
 * One undici answer as the transport reads it: status, headers, and a body
 * that becomes a `ReadableStream` only if someone asks for one. Read whole
 * (`text()`, `arrayBuffer()` — the common small JSON answer), its chunks are
 * joined as they come, with no stream, no `Response` and no promise per
 * chunk; {@link DispatchedAnswer.toResponse} makes the standard `Response`
 * that `createUndiciFetch()`'s fetch hands its callers.
 */
export class DispatchedAnswer implements FetchedAnswer {
  /** The answer's headers, as the handler received them (repeated ones kept). */
  readonly headers = new Headers();
  #chunks: Uint8Array[] = [];
  #buffered = 0;
  #stream: ReadableStreamDefaultController<Uint8Array> | undefined;
  #body: ReadableStream<Uint8Array> | null | undefined;
  #whole: { resolve(bytes: Uint8Array): void; reject(error: unknown): void } | undefined;
  #ended = false;
  #error: { reason: unknown } | undefined;
  #used = false;

  /**
   * @param status - The status code (200–599).
   * @param statusText - The reason phrase.
   * @param source - Where the body's bytes come from; `undefined` for an answer without a body (HEAD, 204, 304).
   */
  constructor(
    readonly status: number,
    readonly statusText: string,
    readonly source: BodySource | undefined,
  ) {
    if (source === undefined) {
      this.#ended = true;
      this.#body = null;
    }
  }

  /** The body as a stream, made on first read; `null` for an answer without a body. */
  get body(): ReadableStream<Uint8Array> | null {
    if (this.#body === undefined) {
      this.#used = true;
      this.#body = new ReadableStream<Uint8Array>(this, BYTE_SIZE);
    }
    return this.#body;
  }

  /** The whole body, decoded as UTF-8. */
  async text(): Promise<string> {
    return utf8.decode(await this.#readWhole());
  }

  /** The whole body, as bytes. */
  async arrayBuffer(): Promise<ArrayBuffer> {
    const bytes = await this.#readWhole();
    if (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength) return bytes.buffer as ArrayBuffer;
    // A copy of this body's bytes alone: the chunks are Buffers, views into the socket's read (status line and headers
    // included) or into Buffer's shared pool, and a Buffer's slice() is another view of the same memory, not a copy.
    return (bytes.buffer as ArrayBuffer).slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  }

  /**
   * The standard `Response` over this answer's headers and (streamed) body.
   * A status (above 599) or a reason phrase the `Response` class refuses
   * fails the request as a protocol failure (`fetch failed`), and aborts it.
   */
  toResponse(): Response {
    let response: Response;
    try {
      response = new Response(this.body, { status: this.status, statusText: this.statusText });
    } catch (error) {
      this.source?.cancel(error);
      throw fetchFailed(error);
    }
    const target = response.headers;
    for (const [name, value] of this.headers) target.append(name, value);
    return response;
  }

  /** Stream source: the stream is made; what came before it goes in first. */
  start(controller: ReadableStreamDefaultController<Uint8Array>): void {
    this.#stream = controller;
    for (const chunk of this.#chunks) controller.enqueue(chunk);
    this.#chunks = [];
    this.#buffered = 0;
    if (this.#error !== undefined) controller.error(this.#error.reason);
    else if (this.#ended) controller.close();
  }

  /** Stream source: the reader wants more. */
  pull(): void {
    this.source?.resume();
  }

  /** Stream source: the reader cancelled the body. */
  cancel(reason: unknown): void {
    this.#stream = undefined;
    this.source?.cancel(reason);
  }

  /** A chunk came; false when nobody is reading fast enough and the socket should pause. */
  push(chunk: Uint8Array): boolean {
    if (this.#error !== undefined) return false; // failed (aborted): what still comes is dropped
    const stream = this.#stream;
    if (stream !== undefined) {
      stream.enqueue(chunk);
      return (stream.desiredSize ?? 1) > 0;
    }
    this.#chunks.push(chunk);
    this.#buffered += chunk.byteLength;
    return this.#whole !== undefined || this.#buffered < HIGH_WATER_MARK;
  }

  /** The body ended. */
  end(): void {
    if (this.#ended || this.#error !== undefined) return;
    this.#ended = true;
    this.#stream?.close();
    this.#stream = undefined;
    const whole = this.#whole;
    if (whole !== undefined) whole.resolve(this.#joined());
  }

  /** The body failed (cut off, aborted): its reader sees `reason`. */
  fail(reason: unknown): void {
    if (this.#ended || this.#error !== undefined) return;
    this.#error = { reason };
    this.#stream?.error(reason);
    this.#stream = undefined;
    this.#whole?.reject(reason);
  }

  #readWhole(): Promise<Uint8Array> {
    if (this.#used) return Promise.reject(new TypeError('Body is unusable: Body has already been read'));
    this.#used = true;
    // The body's failure as it came: the signal's reason on an abort, `terminated` when cut off.
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
    if (this.#error !== undefined) return Promise.reject(this.#error.reason);
    if (this.#ended) return Promise.resolve(this.#joined());
    const whole = new Promise<Uint8Array>((resolve, reject) => {
      this.#whole = { resolve, reject };
    });
    // The socket may have paused while nobody read: everything is wanted now.
    this.source?.resume();
    return whole;
  }

  #joined(): Uint8Array {
    const chunks = this.#chunks;
    this.#chunks = [];
    if (chunks.length === 1) return chunks[0] as Uint8Array;
    return Buffer.concat(chunks);
  }
}
