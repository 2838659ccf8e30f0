import type { Transform } from 'node:stream';

import type { Dispatcher } from 'undici';

import { MAX_CONTENT_CODINGS, codingCount, decodersFor } from './decode.js';
import { DispatchedAnswer } from './dispatched-answer.js';
import type { BodySource } from './dispatched-answer.js';
import { abortError, fetchFailed, terminated } from './fetch-errors.js';

type Controller = Dispatcher.DispatchController;
type IncomingHeaders = Record<string, string | string[] | undefined>;

const NULL_BODY_STATUS = new Set([101, 103, 204, 205, 304]);

/**
 * One request's undici handler: turns the dispatch callbacks into a
 * {@link DispatchedAnswer} fed straight from the socket (decoded like fetch's
 * when the response names a content coding), and honours the caller's abort
 * signal at every stage: before the request has a socket, while waiting for
 * headers, and while the body comes. An abort aborts the undici request,
 * which destroys its socket, as fetch does.
 */
export class ResponseHandler implements Dispatcher.DispatchHandler, BodySource {
  readonly #resolve: (answer: DispatchedAnswer) => void;
  readonly #reject: (error: unknown) => void;
  readonly #signal: AbortSignal | undefined;
  readonly #method: string;
  #controller: Controller | undefined;
  #answer: DispatchedAnswer | undefined;
  #decoders: Transform[] = [];
  #settled = false;
  #finished = false;

  /**
   * @param resolve - Settles the fetch with the answer (at the headers).
   * @param reject - Settles the fetch with an error (before the headers).
   * @param signal - The caller's abort signal.
   * @param method - The request method (a HEAD response has no body).
   */
  constructor(resolve: (answer: DispatchedAnswer) => void, reject: (error: unknown) => void, signal: AbortSignal | undefined, method: string) {
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
      this.#answer?.fail(reason);
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
    this.#settled = true;
    // A status above 599 is handed on as the global fetch hands it on (the client answers it as an HTTP error); only a
    // `Response`, which cannot carry one, refuses it (`DispatchedAnswer.toResponse`).
    const nullBody = this.#method === 'HEAD' || NULL_BODY_STATUS.has(statusCode);
    const encoding = headers['content-encoding'];
    const contentEncoding = Array.isArray(encoding) ? encoding.join(',') : encoding;
    const codings = nullBody ? 0 : codingCount(contentEncoding);
    if (codings > MAX_CONTENT_CODINGS) {
      // fetch's own limit and words: more codings than that fail the request before any decoder is made.
      this.#refuse(controller, new Error(`too many content-encodings in response: ${String(codings)}, maximum allowed is ${String(MAX_CONTENT_CODINGS)}`));
      return;
    }
    const answer = new DispatchedAnswer(statusCode, statusMessage ?? '', nullBody ? undefined : this);
    const target = answer.headers;
    for (const name in headers) {
      const value = headers[name];
      if (typeof value === 'string') target.append(name, value);
      else if (value !== undefined) for (const item of value) target.append(name, item);
    }
    if (!nullBody) {
      this.#answer = answer;
      this.#decoders = decodersFor(contentEncoding);
      if (this.#decoders.length > 0) this.#wireDecoders(controller, answer);
    }
    this.#resolve(answer);
  }

  /** Fails the request at its headers, as fetch fails it (`fetch failed` over `cause`), and aborts it. */
  #refuse(controller: Controller, cause: Error): void {
    const error = fetchFailed(cause);
    this.#reject(error);
    controller.abort(error);
    this.#finish();
  }

  /** Body source: the reader wants more, resume the socket (or the last decoder). */
  resume(): void {
    const last = this.#decoders.at(-1);
    if (last === undefined) this.#controller?.resume();
    else last.resume();
  }

  /** Body source: the reader cancelled the body; abort the request, which closes its socket. */
  cancel(reason: unknown): void {
    this.#answer = undefined;
    for (const decoder of this.#decoders) decoder.destroy();
    this.#controller?.abort(abortError(reason));
    this.#finish();
  }

  onResponseData(controller: Controller, chunk: Buffer): void {
    const answer = this.#answer;
    if (answer === undefined) return;
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
    if (!answer.push(chunk)) controller.pause();
  }

  onResponseEnd(): void {
    const first = this.#decoders[0];
    if (first !== undefined) {
      first.end();
      return; // the last decoder's 'end' ends the body
    }
    this.#answer?.end();
    this.#answer = undefined;
    this.#finish();
  }

  onResponseError(_controller: Controller, error: Error): void {
    if (this.#finished) return; // our own abort, already reported
    if (!this.#settled) {
      this.#settled = true;
      this.#reject(fetchFailed(error));
    } else {
      this.#answer?.fail(terminated(error));
      this.#answer = undefined;
      for (const decoder of this.#decoders) decoder.destroy();
    }
    this.#finish();
  }

  /** Chains the decoders: socket chunks go into the first, the last one's output feeds the answer's body. */
  #wireDecoders(controller: Controller, answer: DispatchedAnswer): void {
    const decoders = this.#decoders;
    const last = decoders.at(-1) as Transform;
    for (let i = 0; i < decoders.length - 1; i++) (decoders[i] as Transform).pipe(decoders[i + 1] as Transform);
    for (const decoder of decoders) {
      decoder.once('error', (error) => {
        if (this.#finished) return;
        answer.fail(terminated(error));
        this.#answer = undefined;
        for (const other of decoders) other.destroy();
        controller.abort(terminated(error));
        this.#finish();
      });
    }
    last.on('data', (data: Buffer) => {
      if (this.#answer === undefined) return;
      if (!answer.push(data)) last.pause();
    });
    last.once('end', () => {
      answer.end();
      this.#answer = undefined;
      this.#finish();
    });
  }

  #finish(): void {
    if (this.#finished) return;
    this.#finished = true;
    this.#signal?.removeEventListener('abort', this);
  }
}
