import type { EventSink } from '../../events/events.js';
import type { Call } from '../call.js';
import type { LayerFactory } from '../compose.js';
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
  return (next) => async (call) => {
    // Read before executing: a call that turns an expired open circuit half-open is the probe, not held by it.
    const heldByProbe = breaker.state === 'half-open';
    const pending = breaker.execute(next, call);
    const answer = await (heldByProbe ? raceCallLimits(pending, call) : pending);
    reportTransitions(breaker, sink, call);
    return answer;
  };
};

/** Emits the breaker's state changes since the last report, with the fields of the call that saw them. */
function reportTransitions(breaker: Breaker, sink: EventSink, call: Call): void {
  for (const state of breaker.takeTransitions()) {
    if (sink.wants('circuit')) sink.emit('circuit', { ...call.base(), state: state === 'isolated' ? 'open' : state });
  }
}
