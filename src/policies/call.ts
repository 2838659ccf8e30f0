import type { AttemptFailure } from '../errors/attempt-failure.js';
import type { CallEventBase } from '../events/events.js';
import { redactUrl } from '../logging/redact.js';
import type { AttemptResult } from '../transport/attempt-result.js';
import type { OutgoingRequest } from './outgoing-request.js';

/** What one call came to, before it becomes a response or an error. */
export interface CallOutcome {
  result: AttemptResult;
  /** Requests sent to the upstream, hedges included. */
  sent: number;
  budgetExhausted: boolean;
}

/**
 * One call as the policies see it: the prepared request, its deadline, and
 * its identity for events (the redacted URL is computed only if read).
 */
export class Call {
  #url: string | undefined;
  /** The total deadline on the `performance.now()` clock; set when the call is admitted. */
  deadline = Number.POSITIVE_INFINITY;
  /**
   * The call's own cancellation signal, or `undefined` when nothing can cancel
   * it. Every wait and attempt of the call listens here, so the caller's signal
   * gets one listener per call, removed by {@link Call.dispose} — however many
   * calls share it (plain fetch adds none; Node 20 warned at the 11th).
   */
  readonly signal: AbortSignal | undefined;
  readonly #controller: AbortController | undefined;

  /**
   * @param service - The upstream's name.
   * @param request - The prepared request.
   */
  constructor(
    readonly service: string,
    readonly request: OutgoingRequest,
  ) {
    const parent = request.signal;
    if (parent === undefined) return;
    this.#controller = new AbortController();
    this.signal = this.#controller.signal;
    if (parent.aborted) this.#controller.abort(parent.reason);
    else parent.addEventListener('abort', this, { once: true });
  }

  /** The caller's signal aborted: cancel the call with the caller's reason. */
  handleEvent(): void {
    this.#controller?.abort(this.request.signal?.reason);
  }

  /** Removes the listener on the caller's signal; called once the call has settled. */
  dispose(): void {
    this.request.signal?.removeEventListener('abort', this);
  }

  /** Starts the total timeout. Called once the bulkhead (if any) admits the call: queueing is not the upstream's time. */
  admit(): void {
    this.deadline = performance.now() + this.request.timeout.total;
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

  /** The failure for a call whose deadline passed before anything more could be sent. */
  expired(): AttemptResult {
    return { ok: false, failure: { kind: 'timeout', scope: 'total', timeoutMs: this.request.timeout.total, cause: undefined } };
  }

  /** The failure for a call its caller cancelled. */
  cancelled(): AttemptResult {
    return { ok: false, failure: { kind: 'aborted', cause: this.signal?.reason } };
  }
}

/** An outcome with nothing sent. */
export function failed(failure: AttemptFailure): CallOutcome {
  return { result: { ok: false, failure }, sent: 0, budgetExhausted: false };
}
