import type { CallEventBase } from '../events/events.js';
import { redactUrl } from '../logging/redact.js';
import type { AttemptResult } from '../transport/attempt-result.js';
import { AbortReason, TOTAL_TIMEOUT, timeoutFailure } from '../transport/attempt-signal.js';
import type { TimeoutReason } from '../transport/attempt-signal.js';
import type { AttemptSignal } from '../transport/attempt-signal.js';
import type { AttemptRequest } from '../transport/attempt.js';
import type { OutgoingRequest } from './outgoing-request.js';

/**
 * One call as the policies see it: the prepared request, its deadline, and
 * its identity for events (the redacted URL is computed only if read).
 *
 * Its deadline is the earlier of the total timeout (from admission) and the
 * request context's deadline; when the context's comes first, the call's
 * time-outs are `deadline` ones. A call outside a context with a signal or a
 * deadline allocates nothing for either.
 */
export class Call {
  #url: string | undefined;
  /** What each attempt sends: the request, or for a resumed download the same with its `Range` headers. */
  attemptRequest: AttemptRequest;
  /** The attempt whose streamed body is still being read (a `stream()` call past its headers). */
  liveAttempt: AttemptSignal | undefined;
  /** Settles when a streamed body has ended, failed or been cancelled; the bulkhead slot is held until then. */
  bodyEnded: Promise<void> | undefined;
  #endBody: (() => void) | undefined;
  /** The call's deadline on the `performance.now()` clock; set when the call is admitted. */
  deadline = Number.POSITIVE_INFINITY;
  /** Why an attempt that runs into {@link Call.deadline} is aborted: the total timeout, or the context's deadline. */
  deadlineReason: TimeoutReason = TOTAL_TIMEOUT;
  /** True once the call's first request was handed to the transport (its `request:start` was emitted). */
  started = false;
  /**
   * The call's own cancellation signal, or `undefined` when nothing can cancel
   * it. Every wait and attempt of the call listens here, so the caller's
   * signal and the context's each get one listener per call, removed by
   * {@link Call.dispose} — however many calls share them (plain fetch adds
   * none; Node 20 warned at the 11th).
   */
  readonly signal: AbortSignal | undefined;
  readonly #controller: AbortController | undefined;
  /** The context's deadline on the `performance.now()` clock. */
  readonly #contextEnd: number = Number.POSITIVE_INFINITY;
  /** The reason for the context's deadline, carrying the ms the context allowed; only with a context deadline. */
  readonly #contextReason: TimeoutReason | undefined;

  /**
   * @param service - The upstream's name.
   * @param request - The prepared request.
   */
  constructor(
    readonly service: string,
    readonly request: OutgoingRequest,
  ) {
    this.attemptRequest = request;
    if (request.deadline !== undefined) {
      const allowed = request.deadline - Date.now();
      this.#contextEnd = performance.now() + allowed;
      this.#contextReason = new AbortReason('deadline', undefined, Math.max(0, Math.floor(allowed)));
    }
    const own = request.signal;
    const shared = request.contextSignal;
    if (own === undefined && shared === undefined) return;
    this.#controller = new AbortController();
    this.signal = this.#controller.signal;
    if (own?.aborted === true) this.#controller.abort(own.reason);
    else if (shared?.aborted === true) this.#controller.abort(shared.reason);
    else {
      own?.addEventListener('abort', this, { once: true });
      if (shared !== own) shared?.addEventListener('abort', this, { once: true });
    }
  }

  /** The caller's or the context's signal aborted: cancel the call with its reason. */
  handleEvent(event: Event): void {
    this.#controller?.abort((event.target as AbortSignal).reason);
  }

  /** Keeps `attempt` alive past its answer: its body is streamed to the caller. */
  adoptAttempt(attempt: AttemptSignal): void {
    this.liveAttempt = attempt;
    this.bodyEnded ??= new Promise((resolve) => {
      this.#endBody = resolve;
    });
  }

  /** Hands over the live attempt (the streamed body takes it), leaving none. */
  takeAttempt(): AttemptSignal | undefined {
    const attempt = this.liveAttempt;
    this.liveAttempt = undefined;
    return attempt;
  }

  /** The streamed body is over: frees what waited for it (the bulkhead slot). */
  endBody(): void {
    this.#endBody?.();
  }

  /** Removes the listeners on the caller's and the context's signals; called once the call has settled. */
  dispose(): void {
    this.request.signal?.removeEventListener('abort', this);
    this.request.contextSignal?.removeEventListener('abort', this);
  }

  /** True when the context's deadline has passed: the call must send nothing. */
  pastContextDeadline(): boolean {
    return this.#contextReason !== undefined && this.#contextEnd <= performance.now();
  }

  /** Time left before the context's deadline, in ms; `undefined` without one. */
  contextRemaining(): number | undefined {
    return this.#contextReason === undefined ? undefined : this.#contextEnd - performance.now();
  }

  /**
   * Starts the total timeout, bounded by the context's deadline. Called once
   * the bulkhead (if any) admits the call: queueing is not the upstream's
   * time (the context's deadline runs regardless).
   */
  admit(): void {
    const end = performance.now() + this.request.timeout.total;
    if (this.#contextReason !== undefined && this.#contextEnd < end) {
      this.deadline = this.#contextEnd;
      this.deadlineReason = this.#contextReason;
    } else {
      this.deadline = end;
    }
  }

  /** Time left before the deadline, in ms. */
  remaining(): number {
    return this.deadline - performance.now();
  }

  /** The redacted URL. */
  get url(): string {
    this.#url ??= redactUrl(this.request.href);
    return this.#url;
  }

  /** The fields every event carries. */
  base(): CallEventBase {
    return { service: this.service, method: this.request.method, url: this.url, requestId: this.request.requestId };
  }

  /** The failure for a call whose deadline (the total timeout's or the context's) passed before anything more could be sent. */
  expired(): AttemptResult {
    return { ok: false, failure: timeoutFailure(this.deadlineReason, this.request.timeout) };
  }

  /** The failure for a call whose context's deadline had passed before it was admitted. */
  contextExpired(): AttemptResult {
    this.deadlineReason = this.#contextReason ?? TOTAL_TIMEOUT;
    return this.expired();
  }

  /** The failure for a call its caller cancelled. */
  cancelled(): AttemptResult {
    return { ok: false, failure: { kind: 'aborted', cause: this.signal?.reason } };
  }
}
