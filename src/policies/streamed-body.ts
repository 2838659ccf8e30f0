import type { AttemptFailure } from '../errors/attempt-failure.js';
import { IDLE_TIMEOUT, timeoutFailure } from '../transport/attempt-signal.js';
import type { AttemptSignal } from '../transport/attempt-signal.js';
import { classifyThrown, duringBody } from '../transport/network-error.js';
import type { Call } from './call.js';

/** A resumed body: its new source and the attempt that carries it; or why it could not be resumed. */
export type Resumed =
  | { readonly ok: true; readonly body: ReadableStream<Uint8Array>; readonly attempt: AttemptSignal }
  | { readonly ok: false; readonly failure: AttemptFailure };

/** What the pipeline does for a streamed body: resume it, and settle the call when it ends. */
export interface BodyHost {
  /**
   * Resumes after `failure` from byte `delivered`; `undefined` when this body cannot be resumed. `stop` aborts
   * when the body ends meanwhile (the caller cancelled it) or the call is cancelled: nothing more is sent.
   */
  resume: ((failure: AttemptFailure, delivered: number, stop: AbortSignal) => Promise<Resumed>) | undefined;
  /** The body ended (no failure) or failed: settles the call; returns the error the stream raises. */
  finish(failure: AttemptFailure | undefined): Error | undefined;
}

/**
 * The caller's side of a streamed answer: an underlying source that reads the
 * upstream body only when the caller pulls (backpressure: an unread stream
 * holds a few socket buffers, never the body), bounds each wait for the next
 * chunk by `timeout.idle` and the whole body by the call's deadline, counts
 * the bytes against a per-call `maxResponseSize`, resumes after a mid-body
 * network error or stall when the host can, and raises only the host's typed
 * errors.
 */
export class StreamedBody implements UnderlyingDefaultSource<Uint8Array> {
  #reader: ReadableStreamDefaultReader<Uint8Array>;
  #attempt: AttemptSignal;
  #controller: ReadableStreamDefaultController<Uint8Array> | undefined;
  #delivered = 0;
  #pulling = false;
  #done = false;
  /** Aborts a resume in progress: the body ended (cancelled) or the call was cancelled. */
  readonly #stop = new AbortController();
  readonly #stopResume = (): void => {
    this.#stop.abort();
  };
  /** The wait for the next chunk outlasted `timeout.idle`. */
  #stalled = false;
  readonly #idleMs: number;

  /**
   * @param source - The upstream body, unread.
   * @param attempt - The attempt that fetched it: aborting it closes the connection.
   * @param call - The call, for its deadline and limits.
   * @param host - Resumes and settles.
   * @param status - The answer's status, for a too-large failure.
   */
  constructor(
    source: ReadableStream<Uint8Array>,
    attempt: AttemptSignal,
    private readonly call: Call,
    private readonly host: BodyHost,
    private readonly status: number,
  ) {
    this.#reader = source.getReader();
    this.#attempt = attempt;
    call.signal?.addEventListener('abort', this.#stopResume, { once: true });
    const timeout = call.request.timeout;
    this.#idleMs = timeout.idle ?? timeout.attempt;
    this.#adopt(attempt);
  }

  /** Underlying source: the stream exists. */
  start(controller: ReadableStreamDefaultController<Uint8Array>): void {
    this.#controller = controller;
  }

  /** Underlying source: the caller wants the next chunk. */
  async pull(controller: ReadableStreamDefaultController<Uint8Array>): Promise<void> {
    this.#pulling = true;
    try {
      for (;;) {
        if (this.#done) return;
        const idle = setTimeout(stall, this.#idleMs, this);
        let chunk: ReadableStreamReadResult<Uint8Array> | undefined;
        let thrown: unknown;
        try {
          chunk = await this.#reader.read();
        } catch (error) {
          thrown = error;
        } finally {
          clearTimeout(idle);
        }
        if (this.#done) return;
        const signal = this.#attempt.signal;
        // An abort (a stall, the deadline, the caller) wins over whatever the read came to: a fetch whose body
        // does not follow its signal has had its read ended by the cancel in handleEvent.
        if (this.#stalled || signal.aborted || chunk === undefined) {
          const failure: AttemptFailure = this.#stalled
            ? timeoutFailure(IDLE_TIMEOUT, this.call.request.timeout)
            : duringBody(classifyThrown(signal.aborted ? signal.reason : thrown, signal, this.call.request.timeout), this.status);
          if (await this.#resumed(failure)) continue;
          this.#fail(failure);
          return;
        }
        if (chunk.done) {
          this.#end(undefined);
          controller.close();
          return;
        }
        this.#delivered += chunk.value.byteLength;
        const limit = this.call.request.maxResponseSize;
        if (limit !== undefined && this.#delivered > limit) {
          this.#fail({ kind: 'too-large', status: this.status, limit, receivedBytes: this.#delivered, declaredBytes: undefined });
          return;
        }
        controller.enqueue(chunk.value);
        return;
      }
    } finally {
      this.#pulling = false;
    }
  }

  /** Underlying source: the caller cancelled the stream. The connection is closed; the call ends as answered. */
  cancel(): void {
    if (this.#done) return;
    this.#reader.cancel().catch(() => undefined);
    this.#end(undefined);
  }

  /**
   * The attempt's signal aborted (a stall, the caller, the context, the
   * deadline). A waiting read is ended by cancelling the upstream body (which
   * also closes its connection), and `pull` reads the reason; with no read
   * waiting, the stream fails now.
   */
  handleEvent(): void {
    if (this.#done) return;
    if (this.#pulling) this.#reader.cancel().catch(() => undefined);
    else this.#fail(classifyThrown(this.#attempt.signal.reason, this.#attempt.signal, this.call.request.timeout));
  }

  /**
   * The next chunk did not come within `timeout.idle`: cancelling the
   * upstream body closes its connection and ends the waiting read, and `pull`
   * reports the stall (an abort through fetch's signal would do the same on a
   * real socket, but msw 3's mocked socket trips an undici assertion on it).
   */
  stalled(): void {
    this.#stalled = true;
    this.#reader.cancel().catch(() => undefined);
  }

  /** Tries to resume after `failure`; true when the stream goes on from a new source. */
  async #resumed(failure: AttemptFailure): Promise<boolean> {
    const resume = this.host.resume;
    const resumable = failure.kind === 'network' || (failure.kind === 'timeout' && failure.timeoutKind === 'idle');
    if (resume === undefined || !resumable) return false;
    this.#release();
    let next: Resumed;
    try {
      next = await resume(failure, this.#delivered, this.#stop.signal);
    } catch (error) {
      // A defect while resuming still ends the stream with the call's typed error, and the call itself.
      next = { ok: false, failure: { kind: 'unexpected', cause: error } };
    }
    if (this.#done) {
      if (next.ok) {
        next.body.cancel().catch(() => undefined);
        next.attempt.dispose();
      }
      return false;
    }
    if (!next.ok) {
      this.#fail(next.failure);
      return false;
    }
    this.#reader = next.body.getReader();
    this.#stalled = false;
    this.#attempt = next.attempt;
    this.#adopt(next.attempt);
    return true;
  }

  /** Takes over an attempt for the body: its one timer now fires at the call's deadline, its abort ends the stream. */
  #adopt(attempt: AttemptSignal): void {
    attempt.rearm(Math.max(0, this.call.remaining()), this.call.deadlineReason);
    attempt.signal.addEventListener('abort', this);
  }

  #release(): void {
    this.#attempt.signal.removeEventListener('abort', this);
    this.#attempt.dispose();
  }

  #fail(failure: AttemptFailure): void {
    if (this.#done) return;
    this.#reader.cancel().catch(() => undefined);
    const error = this.#end(failure);
    this.#controller?.error(error);
  }

  #end(failure: AttemptFailure | undefined): Error | undefined {
    this.#done = true;
    this.#stopResume();
    this.call.signal?.removeEventListener('abort', this.#stopResume);
    this.#release();
    return this.host.finish(failure);
  }
}

function stall(body: StreamedBody): void {
  body.stalled();
}
