import type { EventSink } from '../events/events.js';
import type { AttemptResult } from '../transport/attempt-result.js';
import { HEDGE_LOST } from '../transport/attempt-signal.js';
import { isUnhealthy } from './circuit-breaker/health.js';
import type { Attempts, LayerFactory, RunningAttempt } from './compose.js';
import { outcome } from './outcome.js';
import type { CallOutcome } from './outcome.js';
import type { OverloadControl } from './overload.js';
import { spendRetry } from './retry/spend.js';
import type { RetryBudget } from './retry/budget.js';
import { checkObject, duration, fail, integer } from './validate.js';

/** Hedged requests: send another attempt when the first is slow (GET/HEAD, or with an idempotency key). */
export interface HedgingOptions {
  /** Time an attempt may go unanswered before a hedge is sent, in ms. */
  delay: number;
  /**
   * Extra attempts at most, per attempt.
   * @default 1
   */
  maxHedges?: number;
}

/** Hedging settings with every default filled in. */
export type ResolvedHedging = Required<HedgingOptions>;

/** How to hedge. */
export interface HedgePlan {
  /** Wait before each hedge, in ms. */
  readonly delay: number;
  /** Extra attempts at most. */
  readonly maxHedges: number;
  /** Starts one attempt; `undefined` when the deadline has passed and nothing may be sent. */
  start(): RunningAttempt | undefined;
  /** The result when not even the first attempt could start. */
  expired(): AttemptResult;
  /** Asked before each hedge (budget, events); `false` skips it. */
  mayHedge(hedge: number): boolean;
}

/**
 * Hedged requests: starts one attempt, and another each time `delay` passes
 * without an answer, up to `maxHedges` more. The first decisive answer — a
 * success, or a failure that says nothing about slowness (a 404) — wins and
 * the others are aborted, closing their connections. When every attempt in
 * flight failed transiently, the group fails with the last failure and the
 * retry policy takes over.
 */
export function runHedged(plan: HedgePlan): Promise<CallOutcome> {
  return new Promise((resolve) => {
    const running = new Set<RunningAttempt>();
    let sent = 0;
    let hedges = 0;
    let settled = false;
    let timer: NodeJS.Timeout | undefined;

    const settle = (result: AttemptResult): void => {
      settled = true;
      clearTimeout(timer);
      for (const attempt of running) {
        sent += (attempt.sent ?? 1) - 1;
        attempt.abort(HEDGE_LOST);
      }
      running.clear();
      resolve(outcome(result, sent));
    };
    const launch = (): void => {
      const attempt = plan.start();
      if (attempt === undefined) {
        if (running.size === 0) settle(plan.expired());
        return;
      }
      sent++;
      running.add(attempt);
      const onResult = (result: AttemptResult): void => {
        if (settled) return;
        running.delete(attempt);
        sent += (attempt.sent ?? 1) - 1;
        if (result.ok || !isUnhealthy(result) || running.size === 0) settle(result);
      };
      // An attempt never rejects by design; should one, it still settles the group instead of hanging it.
      attempt.promise.then(onResult, (error: unknown) => {
        onResult({ ok: false, failure: { kind: 'unexpected', cause: error } });
      });
    };
    const schedule = (): void => {
      if (hedges >= plan.maxHedges) return;
      timer = setTimeout(() => {
        if (settled || !plan.mayHedge(hedges + 1)) return;
        hedges++;
        launch();
        schedule();
      }, plan.delay);
    };

    launch();
    schedule();
  });
}

/** Validates `hedging`: off unless given; `delay` is required. */
export function normalizeHedging(value: HedgingOptions | false | undefined): ResolvedHedging | undefined {
  if (value === undefined || value === false) return undefined;
  const raw = checkObject('hedging', value, ['delay', 'maxHedges']);
  if (raw.delay === undefined) fail('hedging.delay', 'a finite number > 0 (ms)', undefined);
  return { delay: duration('hedging.delay', raw.delay, 0, true), maxHedges: integer('hedging.maxHedges', raw.maxHedges, 1, 1) };
}

/** What the hedging layer reads of its client. */
export interface HedgingPolicies {
  readonly config: { readonly hedging: ResolvedHedging | undefined };
  readonly sink: EventSink;
  readonly budget: RetryBudget | undefined;
  readonly overload: OverloadControl;
  readonly attempts: Attempts;
}

/**
 * Hedging, per attempt of a hedgeable call (GET, HEAD, or one with an
 * idempotency key, not a download): each hedge must be allowed by overload
 * control and paid from the retry budget, and is reported as a `hedge`
 * event. Other calls pass through.
 */
export const hedgingLayer: LayerFactory<HedgingPolicies> = ({ config, sink, budget, overload, attempts }) => {
  const hedging = config.hedging;
  if (hedging === undefined) return undefined;
  return (next) => (call) => {
    if (!call.request.hedgeable) return next(call);
    if (call.signal?.aborted === true) return Promise.resolve(outcome(call.cancelled(), 0));
    const groupStart = performance.now();
    return runHedged({
      delay: hedging.delay,
      maxHedges: hedging.maxHedges,
      start: () => attempts.start(call),
      expired: () => call.expired(),
      mayHedge: (hedge) => {
        if (call.remaining() <= 0 || !overload.admitsHedge(call)) return false;
        if (!spendRetry(budget, sink, call, hedge, 'hedge', 'slow attempt')) return false;
        if (sink.wants('hedge')) sink.emit('hedge', { ...call.base(), hedge, afterMs: Math.round(performance.now() - groupStart) });
        return true;
      },
    });
  };
};

