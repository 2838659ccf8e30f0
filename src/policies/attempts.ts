import type { EventSink } from '../events/events.js';
import type { AttemptResult } from '../transport/attempt-result.js';
import type { AttemptOverrides } from '../transport/attempt-overrides.js';
import type { Transport } from '../transport/attempt.js';
import { AttemptCredentials } from './attempt-credentials.js';
import type { AttemptCredentialsConfig, SendPrepared } from './attempt-credentials.js';
import type { Call } from './call.js';
import type { Attempts, RunningAttempt } from './compose.js';
import { attemptSignalFor } from './deadline/deadline.js';
import { instrumentation } from './instrumentation.js';
import { outcome } from './outcome.js';
import type { CallOutcome } from './outcome.js';

/**
 * The centre of the pipeline: one attempt with its timeout, sent by the
 * transport — through credentials and the `beforeAttempt` hook
 * ({@link AttemptCredentials}) when either is set — and the first request of
 * each call reported as its `request:start`.
 */
export class TransportAttempts implements Attempts {
  readonly #transport: Transport;
  readonly #sink: EventSink;
  /** Credentials and the `beforeAttempt` hook; `undefined` (both off) leaves the attempt path as it is. */
  readonly #perAttempt: AttemptCredentials | undefined;
  readonly #sendPrepared: SendPrepared = (call, signal, timeLeftMs, overrides) => this.#send(call, signal, timeLeftMs, overrides);
  readonly run = (call: Call): Promise<CallOutcome> => {
    if (this.#perAttempt === undefined) return this.#plain(call);
    return call.signal?.aborted === true ? Promise.resolve(outcome(call.cancelled(), 0)) : this.#perAttempt.run(call, this.#sendPrepared);
  };

  /**
   * @param config - The client's `auth`, `beforeAttempt` and `timeoutHeader`.
   * @param transport - Sends one attempt.
   * @param sink - Where events go.
   */
  constructor(config: AttemptCredentialsConfig, transport: Transport, sink: EventSink) {
    this.#transport = transport;
    this.#sink = sink;
    this.#perAttempt = AttemptCredentials.for(config);
  }

  /** Starts one attempt a hedge may race; `undefined` when the deadline has passed. */
  start(call: Call): RunningAttempt | undefined {
    if (this.#perAttempt !== undefined) return this.#perAttempt.start(call, this.#sendPrepared);
    const signal = attemptSignalFor(call);
    if (signal === undefined) return undefined;
    const promise = this.#send(call, signal.signal, signal.ms).finally(() => {
      signal.dispose();
    });
    return { promise, abort: (reason) => { signal.abort(reason); } };
  }

  async #plain(call: Call): Promise<CallOutcome> {
    if (call.signal?.aborted === true) return outcome(call.cancelled(), 0);
    const signal = attemptSignalFor(call);
    if (signal === undefined) return outcome(call.expired(), 0);
    const result = await this.#send(call, signal.signal, signal.ms);
    // A streamed body is still to be read: its attempt (and the connection it aborts) lives on.
    if (result.ok && result.response.body != null) call.adoptAttempt(signal);
    else signal.dispose();
    return outcome(result, 1);
  }

  /** Sends one attempt, through the instrumentation when one is installed. */
  #send(call: Call, signal: AbortSignal, timeLeftMs: number, overrides?: AttemptOverrides): Promise<AttemptResult> {
    // request:start marks the call's first request, so a call rejected with nothing sent has no start (nor its log line).
    if (!call.started) {
      call.started = true;
      if (this.#sink.wants('request:start')) this.#sink.emit('request:start', call.base());
    }
    const hooks = instrumentation.current;
    if (hooks === undefined) return this.#transport.send(call.attemptRequest, signal, timeLeftMs, overrides);
    return hooks.runAttempt(call, () => this.#transport.send(call.attemptRequest, signal, timeLeftMs, overrides));
  }
}
