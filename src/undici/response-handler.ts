import type { Transform } from 'node:stream';

import type { Dispatcher } from 'undici';

import { decodersFor } from './decode.js';
import { abortError, fetchFailed, terminated } from './fetch-errors.js';

type Controller = Dispatcher.DispatchController;
type IncomingHeaders = Record<string, string | string[] | undefined>;

const NULL_BODY_STATUS = new Set([101, 103, 204, 205, 304]);
/** Bytes buffered in the body stream before the socket is paused. */
const BODY_HIGH_WATER_MARK = 64 * 1024;
const BYTE_SIZE = { highWaterMark: BODY_HIGH_WATER_MARK, size: (chunk: Uint8Array) => chunk.byteLength };

/**
 * One request's undici handler: turns the dispatch callbacks into a standard
 * `Response` whose body is a `ReadableStream` fed straight from the socket
 * (decoded like fetch's when the response names a content coding), and
 * honours the caller's abort signal at every stage: before the request has a
 * socket, while waiting for headers, and while the body streams. An abort
 * aborts the undici request, which destroys its socket, as fetch does.
 */
export class ResponseHandler implements Dispatcher.DispatchHandler {
  readonly #resolve: (response: Response) => void;
  readonly #reject: (error: unknown) => void;
  readonly #signal: AbortSignal | undefined;
  readonly #method: string;
  #controller: Controller | undefined;
  #body: ReadableStreamDefaultController<Uint8Array> | undefined;
  #decoders: Transform[] = [];
  #settled = false;
  #finished = false;
  #nullBody = false;

  /**
   * @param resolve - Settles the fetch with the response (at the headers).
   * @param reject - Settles the fetch with an error (before the headers).
   * @param signal - The caller's abort signal.
   * @param method - The request method (a HEAD response has no body).
   */
  constructor(resolve: (response: Response) => void, reject: (error: unknown) => void, signal: AbortSignal | undefined, method: string) {
    this.#resolve = resolve;
    this.#reject = reject;
    this.#signal = signal;
    this.#method = method;
    signal?.addEventListener('abort', this, { once: true });
  }

  /** The caller's signal aborted. */
  handleEvent(): void {
    const reason: unknown = this.#signal?.reason;
    if (!this.#settled) {
      this.#settled = true;
      this.#reject(reason);
    } else {
      this.#body?.error(reason);
      for (const decoder of this.#decoders) decoder.destroy();
    }
    this.#controller?.abort(abortError(reason));
    this.#finish();
  }

  onRequestStart(controller: Controller): void {
    this.#controller = controller;
    // Aborted while the request waited for a socket: never send it.
    if (this.#finished) controller.abort(abortError(this.#signal?.reason));
  }

  onResponseStart(controller: Controller, statusCode: number, headers: IncomingHeaders, statusMessage?: string): void {
    if (statusCode < 200 || this.#settled) return; // 1xx informational answers precede the real one
    this.#controller = controller;
    this.#nullBody = this.#method === 'HEAD' || NULL_BODY_STATUS.has(statusCode);
    let body: ReadableStream<Uint8Array> | null = null;
    if (!this.#nullBody) {
      const encoding = headers['content-encoding'];
      this.#decoders = decodersFor(Array.isArray(encoding) ? encoding.join(',') : encoding);
      // This handler is the stream's underlying source too (start, pull, cancel): no per-response closures.
      body = new ReadableStream<Uint8Array>(this, BYTE_SIZE);
      if (this.#decoders.length > 0) this.#wireDecoders(controller);
    }
    let response: Response;
    try {
      response = new Response(body, { status: statusCode, statusText: statusMessage ?? '' });
    } catch (error) {
      // A status the Response class refuses (above 599): a protocol failure, as fetch reports it.
      this.#settled = true;
      this.#reject(fetchFailed(error));
      controller.abort(fetchFailed(error));
      this.#finish();
      return;
    }
    const target = response.headers;
    for (const name in headers) {
      const value = headers[name];
      if (typeof value === 'string') target.append(name, value);
      else if (value !== undefined) for (const item of value) target.append(name, item);
    }
    this.#settled = true;
    this.#resolve(response);
  }

  /** Underlying source: the body stream is created. */
  start(stream: ReadableStreamDefaultController<Uint8Array>): void {
    this.#body = stream;
  }

  /** Underlying source: the reader wants more, resume the socket (or the last decoder). */
  pull(): void {
    const last = this.#decoders.at(-1);
    if (last === undefined) this.#controller?.resume();
    else last.resume();
  }

  /** Underlying source: the reader cancelled the body; abort the request, which closes its socket. */
  cancel(reason: unknown): void {
    this.#body = undefined;
    for (const decoder of this.#decoders) decoder.destroy();
    this.#controller?.abort(abortError(reason));
    this.#finish();
  }

  onResponseData(controller: Controller, chunk: Buffer): void {
    if (this.#nullBody || this.#body === undefined) return;
    const first = this.#decoders[0];
    if (first !== undefined) {
      if (!first.write(chunk)) {
        controller.pause();
        first.once('drain', () => {
          controller.resume();
        });
      }
      return;
    }
    this.#body.enqueue(chunk);
    if ((this.#body.desiredSize ?? 1) <= 0) controller.pause();
  }

  onResponseEnd(): void {
    const first = this.#decoders[0];
    if (first !== undefined) {
      first.end();
      return; // the last decoder's 'end' closes the body
    }
    this.#body?.close();
    this.#body = undefined;
    this.#finish();
  }

  onResponseError(_controller: Controller, error: Error): void {
    if (this.#finished) return; // our own abort, already reported
    if (!this.#settled) {
      this.#settled = true;
      this.#reject(fetchFailed(error));
    } else {
      this.#body?.error(terminated(error));
      this.#body = undefined;
      for (const decoder of this.#decoders) decoder.destroy();
    }
    this.#finish();
  }

  /** Chains the decoders: socket chunks go into the first, the last one's output feeds the body stream. */
  #wireDecoders(controller: Controller): void {
    const decoders = this.#decoders;
    const last = decoders.at(-1) as Transform;
    for (let i = 0; i < decoders.length - 1; i++) (decoders[i] as Transform).pipe(decoders[i + 1] as Transform);
    for (const decoder of decoders) {
      decoder.once('error', (error) => {
        if (this.#finished) return;
        this.#body?.error(terminated(error));
        this.#body = undefined;
        for (const other of decoders) other.destroy();
        controller.abort(terminated(error));
        this.#finish();
      });
    }
    last.on('data', (data: Buffer) => {
      const body = this.#body;
      if (body === undefined) return;
      body.enqueue(data);
      if ((body.desiredSize ?? 1) <= 0) last.pause();
    });
    last.once('end', () => {
      this.#body?.close();
      this.#body = undefined;
      this.#finish();
    });
  }

  #finish(): void {
    if (this.#finished) return;
    this.#finished = true;
    this.#signal?.removeEventListener('abort', this);
  }
}
