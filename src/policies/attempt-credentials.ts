import type { AttemptOverrides } from '../transport/attempt-overrides.js';
import { timeoutHeaderValue } from '../transport/attempt-overrides.js';
import type { AttemptResult } from '../transport/attempt-result.js';
import { AttemptSignal } from '../transport/attempt-signal.js';
import type { AbortReason } from '../transport/attempt-signal.js';
import { classifyThrown } from '../transport/network-error.js';
import { runBeforeAttempt } from './before-attempt.js';
import type { BeforeAttemptHook } from './before-attempt.js';
import type { Call } from './call.js';
import type { RunningAttempt } from './compose.js';
import { Credentials, ProviderFailed } from './credentials.js';
import type { HeldToken, ResolvedAuth } from './credentials.js';
import { attemptSignalFor } from './deadline/deadline.js';
import { outcome } from './outcome.js';
import type { CallOutcome } from './outcome.js';

/** Sends one attempt with what {@link AttemptCredentials} prepared. */
export type SendPrepared = (call: Call, signal: AbortSignal, timeLeftMs: number, overrides: AttemptOverrides) => Promise<AttemptResult>;

/** The client options this layer runs on. */
export interface AttemptCredentialsConfig {
  readonly auth: ResolvedAuth | undefined;
  readonly beforeAttempt: BeforeAttemptHook | undefined;
  readonly timeoutHeader?: string | undefined;
}

/**
 * The innermost policies of an attempt, in order: credentials → attempt
 * timeout → `beforeAttempt` hook → transport. Built only for a client with
 * `auth` or `beforeAttempt`; the others never pass through here.
 *
 * The wait for a token is bounded by the call (its cancellation and
 * deadline), not by the attempt timeout, which starts once a token is in
 * hand. An attempt answered 401 is sent once more with a refreshed token, as
 * part of the same attempt: it counts in the requests sent, not against
 * `retry.maxAttempts`.
 */
export class AttemptCredentials {
  readonly #credentials: Credentials | undefined;
  readonly #hook: BeforeAttemptHook | undefined;
  readonly #timeoutHeader: string | undefined;
  /** Attempts made by each call, for the hook's `attempt`. */
  readonly #numbers = new WeakMap<Call, number>();

  /** @param config - The resolved `auth`, `beforeAttempt` and `timeoutHeader` options. */
  constructor(config: AttemptCredentialsConfig) {
    this.#credentials = config.auth === undefined ? undefined : new Credentials(config.auth);
    this.#hook = config.beforeAttempt;
    this.#timeoutHeader = config.timeoutHeader;
  }

  /** The layer for a client's options; `undefined` when neither `auth` nor `beforeAttempt` is set. */
  static for(config: AttemptCredentialsConfig): AttemptCredentials | undefined {
    return config.auth === undefined && config.beforeAttempt === undefined ? undefined : new AttemptCredentials(config);
  }

  /** One attempt that is not hedged: its result, and the requests it sent (0 to 2). */
  async run(call: Call, send: SendPrepared): Promise<CallOutcome> {
    const attempt = new CredentialedAttempt(this, call, send);
    const result = await attempt.promise;
    return outcome(result, attempt.sent);
  }

  /** Starts one hedged attempt; `undefined` when the call's deadline has passed. */
  start(call: Call, send: SendPrepared): RunningAttempt | undefined {
    return call.remaining() <= 0 ? undefined : new CredentialedAttempt(this, call, send);
  }

  /** The client's credentials, if `auth` is set. */
  get credentials(): Credentials | undefined {
    return this.#credentials;
  }

  /**
   * What one attempt sends: the call's headers with the timeout header and the
   * credentials, then whatever the hook made of them.
   */
  prepare(call: Call, token: HeldToken | undefined, signal: AttemptSignal): Promise<AttemptOverrides | AttemptResult> | AttemptOverrides {
    // The attempt's request: the call's, or for a resumed download the same with its Range headers.
    const request = call.attemptRequest;
    const headers: Record<string, string> = { ...request.headers };
    if (this.#timeoutHeader !== undefined) headers[this.#timeoutHeader] = timeoutHeaderValue(signal.ms);
    if (token !== undefined && this.#credentials !== undefined) headers[this.#credentials.header] = token.value;
    const hook = this.#hook;
    if (hook === undefined) return { headers, body: request.body };
    const attempt = (this.#numbers.get(call) ?? 0) + 1;
    this.#numbers.set(call, attempt);
    return runBeforeAttempt(hook, request, headers, attempt, signal.signal).then((prepared) =>
      'kind' in prepared ? { ok: false, failure: prepared } : prepared,
    );
  }
}

/** True for a body that can be sent a second time (not a stream). */
function replayable(body: unknown): boolean {
  if (typeof body !== 'object' || body === null) return true;
  return !(body instanceof ReadableStream || typeof (body as { pipe?: unknown }).pipe === 'function' || Symbol.asyncIterator in body);
}

function isUnauthorized(result: AttemptResult): boolean {
  return !result.ok && result.failure.kind === 'status' && result.failure.status === 401;
}

/** One attempt through the credentials layer: a token, the attempt, and after a 401 a fresh token and the attempt once more. */
class CredentialedAttempt implements RunningAttempt {
  /** Requests actually sent so far. */
  sent = 0;
  readonly promise: Promise<AttemptResult>;
  /** The signal of what is in progress (the wait for a token, or the attempt), for a hedge's abort. */
  #current: AttemptSignal | undefined;
  #stopped: AbortReason | undefined;

  constructor(
    readonly layer: AttemptCredentials,
    readonly call: Call,
    readonly send: SendPrepared,
  ) {
    this.promise = this.#run();
  }

  /** Aborts whatever is in progress, and anything that would follow (a hedge lost). */
  abort(reason: AbortReason): void {
    this.#stopped = reason;
    this.#current?.abort(reason);
  }

  async #run(): Promise<AttemptResult> {
    const credentials = this.layer.credentials;
    if (credentials === undefined) return this.#attempt(undefined);
    const token = await this.#token(credentials, undefined);
    if (!('token' in token)) return token;
    const first = await this.#attempt(token);
    if (!isUnauthorized(first) || this.#stopped !== undefined || !replayable(this.call.request.body)) return first;
    const fresh = await this.#token(credentials, token);
    return 'token' in fresh ? this.#attempt(fresh) : fresh;
  }

  /** The held token, or one from the provider, waiting no longer than the call may. */
  async #token(credentials: Credentials, rejected: HeldToken | undefined): Promise<HeldToken | AttemptResult> {
    const held = credentials.fresh();
    if (held !== undefined && held !== rejected) return held;
    const call = this.call;
    const remaining = call.remaining();
    if (remaining <= 0) return call.expired();
    const signal = this.#track(new AttemptSignal(remaining, call.deadlineReason, call.signal));
    try {
      return await credentials.obtain(rejected, signal.signal, remaining);
    } catch (error) {
      if (error instanceof ProviderFailed) return { ok: false, failure: { kind: 'credentials', cause: error.cause } };
      return { ok: false, failure: classifyThrown(error, signal.signal, call.request.timeout) };
    } finally {
      this.#release(signal);
    }
  }

  /** One request: the attempt timeout starts, the hook runs, the transport sends. */
  async #attempt(token: HeldToken | undefined): Promise<AttemptResult> {
    const call = this.call;
    const timed = attemptSignalFor(call);
    if (timed === undefined) return call.expired();
    const signal = this.#track(timed);
    let live = false;
    try {
      const prepared = await this.layer.prepare(call, token, signal);
      if ('ok' in prepared) return prepared;
      if (signal.signal.aborted) return { ok: false, failure: classifyThrown(signal.signal.reason, signal.signal, call.request.timeout) };
      this.sent++;
      const result = await this.send(call, signal.signal, signal.ms, prepared);
      // A streamed body is still to be read: its attempt (and the connection it aborts) lives on.
      if (result.ok && result.response.body != null) {
        call.adoptAttempt(signal);
        if (this.#current === signal) this.#current = undefined;
        live = true;
      }
      return result;
    } finally {
      if (!live) this.#release(signal);
    }
  }

  #track(signal: AttemptSignal): AttemptSignal {
    this.#current = signal;
    if (this.#stopped !== undefined) signal.abort(this.#stopped);
    return signal;
  }

  #release(signal: AttemptSignal): void {
    signal.dispose();
    if (this.#current === signal) this.#current = undefined;
  }
}
