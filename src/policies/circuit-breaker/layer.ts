import type { EventSink } from '../../events/events.js';
import type { Call } from '../call.js';
import type { LayerFactory, Step } from '../compose.js';
import type { CallOutcome } from '../outcome.js';
import { raceCallLimits } from '../deadline/deadline.js';
import type { Breaker } from './breaker.js';

/** What the circuit-breaker layer reads of its client. */
export interface BreakerPolicies {
  readonly breaker: Breaker | undefined;
  readonly sink: EventSink;
}

/**
 * The circuit breaker, around each attempt (or hedged group): an open
 * circuit answers `circuit-open` with nothing sent, and each state change is
 * reported once, as a `circuit` event with the fields of the call that saw it.
 *
 * While half-open, cockatiel holds other calls until its probe answers, deaf
 * to their signals and deadlines: such a call answers its own abort or
 * deadline at once, and sends nothing if released later.
 */
export const circuitBreakerLayer: LayerFactory<BreakerPolicies> = ({ breaker, sink }) => {
  if (breaker === undefined) return undefined;
  return (next) => (call) => (breaker.isClosed ? closed(breaker, sink, next, call) : guarded(breaker, sink, next, call));
};

/** The healthy path: the attempt runs outside cockatiel, and its answer is counted after. */
async function closed(breaker: Breaker, sink: EventSink, next: Step, call: Call): Promise<CallOutcome> {
  const answer = await next(call);
  const counting = breaker.record(answer);
  if (counting !== undefined) await counting;
  reportTransitions(breaker, sink, call);
  return answer;
}

/** Through cockatiel: refused while open; while half-open, the probe goes and other calls wait, bounded by their own limits. */
async function guarded(breaker: Breaker, sink: EventSink, next: Step, call: Call): Promise<CallOutcome> {
  // Read before running: a call that turns an expired open circuit half-open is the probe, not held by it.
  const heldByProbe = breaker.state === 'half-open';
  const pending = breaker.guard(next, call);
  const answer = await (heldByProbe ? raceCallLimits(pending, call) : pending);
  reportTransitions(breaker, sink, call);
  return answer;
}

/** Emits the breaker's state changes since the last report, with the fields of the call that saw them. */
function reportTransitions(breaker: Breaker, sink: EventSink, call: Call): void {
  for (const state of breaker.takeTransitions()) {
    if (sink.wants('circuit')) sink.emit('circuit', { ...call.base(), state: state === 'isolated' ? 'open' : state });
  }
}
