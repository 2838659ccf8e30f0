import type { AttemptResult } from '../transport/attempt-result.js';
import type { AbortReason } from '../transport/attempt-signal.js';
import type { Call } from './call.js';
import type { CallOutcome } from './outcome.js';

/** A call's way through the layers inside some point of the pipeline. */
export type Step = (call: Call) => Promise<CallOutcome>;

/** A policy as the composer sees it: given the step inside it, returns its own — once per client. */
export type Layer = (next: Step) => Step;

/**
 * Makes a policy's layer for one client from what the client shares with
 * its layers (`P`: each policy module states, as a type, what it reads);
 * `undefined` when the policy is off, so it is not in the chain at all.
 */
export type LayerFactory<P> = (policies: P) => Layer | undefined;

/** One attempt in flight, as hedging sees it: started, raced, and aborted if it loses. */
export interface RunningAttempt {
  readonly promise: Promise<AttemptResult>;
  abort(reason: AbortReason): void;
  /** Requests it has sent, when that may be other than one (credentials: none yet, or a re-send after a 401). */
  readonly sent?: number;
}

/** The attempts at the centre of the pipeline: one at a time, or started one by one (hedging). */
export interface Attempts {
  /** One attempt: its outcome and the requests it sent. */
  readonly run: Step;
  /** Starts one attempt that a hedge may race; `undefined` when the deadline has passed. */
  start(call: Call): RunningAttempt | undefined;
}

/**
 * Wraps `inner` in the layers `factories` make, outermost first, once per
 * client: a call then runs through plain closures, with no allocation or
 * lookup per call for the composition itself, and a policy that is off
 * costs nothing.
 */
export function compose<P>(factories: readonly LayerFactory<P>[], policies: P, inner: Step): Step {
  let step = inner;
  for (let index = factories.length - 1; index >= 0; index--) {
    const layer = factories[index]?.(policies);
    if (layer !== undefined) step = layer(step);
  }
  return step;
}
