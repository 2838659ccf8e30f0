import type { AttemptFailure } from '../errors/attempt-failure.js';
import type { ThrottleReason } from '../errors/upstream-throttled-error.js';
import type { EventSink, ThrottleEvent } from '../events/events.js';
import { AdaptiveThrottle } from './adaptive-throttling.js';
import type { ResolvedAdaptiveThrottling } from './adaptive-throttling.js';
import type { Call } from './call.js';
import type { LayerFactory, Step } from './compose.js';
import { outcome } from './outcome.js';
import type { CallOutcome } from './outcome.js';
import { FleetGuard } from './fleet.js';
import type { ResolvedFleet, StoreReport } from './fleet.js';
import { LocalWindows, findSlot, maxSlotWait, windowOf } from './rate-limit.js';
import type { ResolvedRateLimit, SlotAnswer } from './rate-limit.js';
import { sleep } from './sleep.js';
import type { Clock } from '../context/clock.js';
import { SYSTEM_CLOCK } from '../context/clock.js';

/** The overload policies of one client, resolved; `undefined` turns one off. Fleet pauses are always on. */
export interface OverloadConfig {
  readonly name: string;
  readonly adaptiveThrottling: ResolvedAdaptiveThrottling | undefined;
  readonly rateLimit: ResolvedRateLimit | undefined;
  readonly fleet: ResolvedFleet | undefined;
}

/** An attempt refused locally, nothing sent. */
function refused(reason: ThrottleReason, retryAfterMs: number | undefined): CallOutcome {
  return outcome({ ok: false, failure: { kind: 'throttled', reason, retryAfterMs } }, 0);
}

/**
 * The per-attempt overload layers of one client, in the policy order:
 * adaptive throttling, then the rate limit and the pauses that a `429`/`503`
 * with `Retry-After` sets for every new attempt of the client (and of its
 * fleet, through `fleet.store`). Each decision is a `throttle` event.
 *
 * With no option on and no pause running, {@link OverloadControl.passive}
 * is true and the pipeline calls the attempt directly: the healthy path pays
 * one field read.
 */
export class OverloadControl {
  readonly #sink: EventSink;
  readonly #clock: Clock;
  readonly #adaptive: AdaptiveThrottle | undefined;
  readonly #rateLimit: ResolvedRateLimit | undefined;
  readonly #fleet: ResolvedFleet | undefined;
  readonly #guard: FleetGuard | undefined;
  readonly #local = new LocalWindows();
  /** True when some policy needs every attempt to pass through {@link OverloadControl.run}. */
  readonly #active: boolean;
  /** The end of this client's own pause, epoch ms; 0 when none is running. */
  #pausedUntil = 0;
  /** Windows before this one are known full. */
  #knownFull = 0;
  /** The pause each call set itself: its own retry waits that `Retry-After` already, and is not held again. */
  readonly #ownPauses = new WeakMap<Call, number>();

  /**
   * @param config - The overload options.
   * @param sink - Where `throttle` events go.
   * @param clock - Epoch clock and random source.
   */
  constructor(config: OverloadConfig, sink: EventSink, clock: Clock = SYSTEM_CLOCK) {
    this.#sink = sink;
    this.#clock = clock;
    const adaptive = config.adaptiveThrottling;
    this.#adaptive = adaptive === undefined ? undefined : new AdaptiveThrottle(adaptive, () => clock.now(), () => clock.random());
    this.#rateLimit = config.rateLimit;
    this.#fleet = config.fleet;
    this.#guard = config.fleet === undefined ? undefined : new FleetGuard(config.fleet.store, () => clock.now());
    this.#active = this.#adaptive !== undefined || this.#rateLimit !== undefined || this.#fleet !== undefined;
  }

  /** True when attempts may skip {@link OverloadControl.run}: nothing on, no pause running. */
  get passive(): boolean {
    if (this.#active) return false;
    if (this.#pausedUntil === 0) return true;
    if (this.#clock.now() < this.#pausedUntil) return false;
    this.#pausedUntil = 0;
    return true;
  }

  /**
   * Told of every failed attempt (group): a `429` or `503` whose
   * `Retry-After` the call's rules honour pauses every new attempt until it
   * has passed. A longer one is not trusted: nothing is paused.
   */
  noteFailure(call: Call, failure: AttemptFailure): void {
    if (failure.kind !== 'status' || (failure.status !== 429 && failure.status !== 503)) return;
    const waitMs = failure.retryAfterMs;
    if (waitMs === undefined || waitMs <= 0 || waitMs > call.request.retry.maxRetryAfter) return;
    const until = this.#clock.now() + waitMs;
    this.#pausedUntil = Math.max(this.#pausedUntil, until);
    this.#local.pause(until);
    this.#ownPauses.set(call, until);
    this.#emit(call, 'paused', 'retry-after', waitMs);
    const fleet = this.#fleet;
    if (fleet !== undefined && this.#guard !== undefined) {
      void this.#guard.run((store) => store.pause(fleet.key, until), () => undefined, this.#reporter(call));
    }
  }

  /**
   * Whether a hedge may be sent now: a hedge is an attempt, but it cannot wait. Never while a pause
   * runs; not when adaptive throttling refuses it (counted as a request); with a rate limit, only when
   * the current window has a slot free at once — in process; with a fleet store, no hedge is sent,
   * since a slot of the shared quota cannot be had without waiting for the store.
   */
  admitsHedge(call: Call): boolean {
    if (this.passive) return true;
    if (this.#adaptive?.refuses() === true) {
      this.#emit(call, 'throttled', 'adaptive', undefined);
      return false;
    }
    const now = this.#clock.now();
    if (this.#local.pausedUntil > now) return false;
    const rateLimit = this.#rateLimit;
    if (rateLimit === undefined) return true;
    const current = windowOf(now, rateLimit.intervalMs);
    if (this.#fleet === undefined && this.#local.take(current, rateLimit.limit, current)) return true;
    this.#emit(call, 'throttled', 'rate-limit', Math.ceil((current + 1) * rateLimit.intervalMs - now));
    return false;
  }

  /** Runs one attempt (or hedged group) through the overload layers; a refusal comes back with nothing sent. */
  async run(call: Call, next: Step): Promise<CallOutcome> {
    const adaptive = this.#adaptive;
    if (adaptive?.refuses() === true) {
      this.#emit(call, 'throttled', 'adaptive', undefined);
      return refused('adaptive', undefined);
    }
    const refusal = (await this.#waitForPause(call)) ?? (await this.#waitForSlot(call));
    if (refusal !== undefined) return refusal;
    const answer = await next(call);
    if (adaptive !== undefined && answer.sent > 0) adaptive.record(answer.result);
    return answer;
  }

  /** Waits out a running pause, or refuses when it outlasts the call's time left. */
  async #waitForPause(call: Call): Promise<CallOutcome | undefined> {
    let until = this.#local.pausedUntil;
    const fleet = this.#fleet;
    if (fleet !== undefined && this.#guard !== undefined) {
      const shared = await this.#guard.run((store) => store.pausedUntil(fleet.key), () => 0, this.#reporter(call));
      // A value no Retry-After this client honours could have set (a stray key) pauses no longer than one that could.
      if (Number.isFinite(shared)) until = Math.max(until, Math.min(shared, this.#clock.now() + call.request.retry.maxRetryAfter));
    }
    const waitMs = Math.ceil(until - this.#clock.now());
    if (waitMs <= 0 || until <= (this.#ownPauses.get(call) ?? 0)) return undefined;
    return this.#wait(call, 'retry-after', waitMs);
  }

  /** Takes a rate-limit slot, waiting for its window, or refuses when none is free within the call's time left. */
  async #waitForSlot(call: Call): Promise<CallOutcome | undefined> {
    const rateLimit = this.#rateLimit;
    if (rateLimit === undefined) return undefined;
    const answer = await this.#findSlot(call, rateLimit);
    if (answer.waitMs <= 0 && answer.granted) return undefined;
    if (!answer.granted) {
      this.#emit(call, 'throttled', 'rate-limit', answer.waitMs);
      return refused('rate-limit', answer.waitMs);
    }
    this.#emit(call, 'waited', 'rate-limit', answer.waitMs);
    return this.#sleep(call, answer.waitMs);
  }

  #findSlot(call: Call, { limit, intervalMs }: ResolvedRateLimit): Promise<SlotAnswer> {
    const now = this.#clock.now();
    const current = windowOf(now, intervalMs);
    const fleet = this.#fleet;
    const guard = this.#guard;
    const maxWait = maxSlotWait(call.remaining(), call.request.timeout.attempt);
    const onFull = (window: number): void => {
      this.#knownFull = Math.max(this.#knownFull, window + 1);
    };
    if (fleet === undefined || guard === undefined) {
      return findSlot(now, intervalMs, maxWait, this.#knownFull, (window) => this.#local.take(window, limit, current), onFull);
    }
    const localLimit = Math.max(1, Math.floor(limit * fleet.localShare));
    const report = this.#reporter(call);
    return findSlot(
      now,
      intervalMs,
      maxWait,
      this.#knownFull,
      (window) => guard.run((store) => store.takeSlot(fleet.key, window, limit, intervalMs), () => this.#local.take(window, localLimit, current), report),
      onFull,
    );
  }

  /** Waits `waitMs` for `reason` within the call's time left (else refuses at once); `undefined` when it may go on. */
  async #wait(call: Call, reason: ThrottleReason, waitMs: number): Promise<CallOutcome | undefined> {
    if (waitMs >= call.remaining()) {
      this.#emit(call, 'throttled', reason, waitMs);
      return refused(reason, waitMs);
    }
    this.#emit(call, 'waited', reason, waitMs);
    return this.#sleep(call, waitMs);
  }

  /** Waits `waitMs`; `undefined` when the call may go on, its cancellation when it was cancelled meanwhile. */
  async #sleep(call: Call, waitMs: number): Promise<CallOutcome | undefined> {
    return (await sleep(waitMs, call.signal)) ? undefined : outcome(call.cancelled(), 0);
  }

  #reporter(call: Call): StoreReport {
    return (decision, detail) => {
      this.#emit(call, decision, 'store', undefined, detail);
    };
  }

  #emit(call: Call, decision: ThrottleEvent['decision'], reason: ThrottleEvent['reason'], waitMs: number | undefined, detail?: string): void {
    if (!this.#sink.wants('throttle')) return;
    const event: ThrottleEvent = { ...call.base(), decision, reason, waitMs };
    if (detail !== undefined) event.detail = detail;
    this.#sink.emit('throttle', event);
  }
}

/**
 * The overload layer, per attempt (a hedge asks {@link OverloadControl.admitsHedge}):
 * always in the chain, since any client's `Retry-After` pauses it, but a
 * field read while nothing is at work.
 */
export const overloadLayer: LayerFactory<{ readonly overload: OverloadControl }> = ({ overload }) => (next) => (call) =>
  overload.passive ? next(call) : overload.run(call, next);
