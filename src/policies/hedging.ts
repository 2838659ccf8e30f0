import type { AttemptResult } from '../transport/attempt-result.js';
import type { AbortReason } from '../transport/attempt-signal.js';
import { HEDGE_LOST } from '../transport/attempt-signal.js';
import type { GuardedOutcome } from './circuit-breaker/breaker.js';
import { isUnhealthy } from './circuit-breaker/health.js';
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

/** One attempt in flight, as the hedging policy sees it. */
export interface RunningAttempt {
  readonly promise: Promise<AttemptResult>;
  abort(reason: AbortReason): void;
  /** Requests it has sent, when that may be other than one (credentials: none yet, or a re-send after a 401). */
  readonly sent?: number;
}

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
export function runHedged(plan: HedgePlan): Promise<GuardedOutcome> {
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
      resolve({ result, sent });
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
