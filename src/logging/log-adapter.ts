import type { Level, Logger } from 'pino';

import { getRequestContext } from '../context/request-context.js';
import type { CallError, ClientEventMap, ClientEventName, EventSubscriber, RequestEndEvent } from '../events/events.js';
import { chooseLogger } from './default-logger.js';
import { RejectionSummary, isInstantRejection } from './rejection-summary.js';

/** How one event becomes a line: the lowest level it can log at (what `wants()` asks), and its level and `msg`. */
interface LineRule<E> {
  readonly lowest: Level;
  readonly line: (event: E) => [Level, string];
}

/** The one table of event → pino line. */
const LINES: { readonly [K in ClientEventName]: LineRule<ClientEventMap[K]> } = {
  'request:start': { lowest: 'debug', line: () => ['debug', 'upstream_request'] },
  'request:end': {
    lowest: 'debug',
    line: (event) => {
      const error = event.error;
      if (error === undefined) return ['debug', 'upstream_response'];
      if (event.expected) return ['debug', 'upstream_request_failed'];
      const quiet = error.code === 'UPSTREAM_ABORTED' ||
        (error.upstreamStatus !== undefined && error.upstreamStatus < 500 && error.upstreamStatus !== 429);
      return [quiet ? 'warn' : 'error', 'upstream_request_failed'];
    },
  },
  retry: { lowest: 'warn', line: () => ['warn', 'upstream_retry'] },
  hedge: { lowest: 'info', line: () => ['info', 'upstream_hedge'] },
  'budget-exhausted': { lowest: 'warn', line: () => ['warn', 'upstream_retry_budget_exhausted'] },
  circuit: {
    lowest: 'info',
    line: (event) =>
      event.state === 'open' ? ['error', 'circuit_opened'] : event.state === 'half-open' ? ['warn', 'circuit_half_open'] : ['info', 'circuit_closed'],
  },
};

/**
 * The pino adapter: one subscriber per client that turns its events into log
 * lines (`msg` is the event name). A logger in the request context wins over
 * the client's (unless it is only the package's default). A logger that
 * already binds a `requestId` keeps it (it is not written twice); when the
 * call's ID differs (`options.requestId`), the line also carries the call's
 * as `callRequestId`. An open circuit's instant rejections are summarised
 * (see {@link RejectionSummary}); the events themselves still reach the
 * diagnostics channels, every one.
 *
 * @param clientLogger - The client's logger.
 * @param now - The clock of the rejection summary's windows, in ms.
 */
export function createLogSubscriber(clientLogger: Logger, now: () => number = () => performance.now()): EventSubscriber {
  const pick = (): Logger => chooseLogger(getRequestContext()?.logger, clientLogger);
  const rejections = new RejectionSummary(now);
  return {
    wants(name) {
      // Failures are emitted whether or not this says yes (their level is known only from the event); this gates the rest.
      return pick().isLevelEnabled(LINES[name].lowest);
    },
    receive(name, event) {
      if (name === 'request:end' && rejections.absorbs(event as RequestEndEvent)) return;
      const [level, msg] = (LINES[name] as LineRule<typeof event>).line(event);
      const logger = pick();
      if (!logger.isLevelEnabled(level)) return;
      const fields: Record<string, unknown> = { ...event };
      if (name === 'request:end') {
        delete fields.expected;
        if ((event as RequestEndEvent).expected) fields.expected = true;
      }
      // The count goes on summary and transition lines only: never on a debug line, nor on another call's failure.
      if (name === 'circuit' || (name === 'request:end' && isInstantRejection(event as RequestEndEvent))) {
        const suppressed = rejections.takeSuppressed();
        if (suppressed > 0) fields.suppressed = suppressed;
      }
      // pino writes a key twice when a bound key is logged again: ask the logger what it binds.
      const bound = boundRequestId(logger);
      if (bound !== undefined) {
        delete fields.requestId;
        if (bound !== event.requestId) fields.callRequestId = event.requestId;
      }
      if (typeof fields.durationMs === 'number') fields.durationMs = Math.round(fields.durationMs);
      if ('error' in fields) {
        const error = (event as { error?: CallError }).error;
        delete fields.error;
        if (error !== undefined) {
          fields.code = error.code;
          fields.error = { name: error.name, message: error.message, systemCode: error.systemCode, issues: error.issues };
        }
      }
      logger[level](fields, msg);
    },
  };
}

const boundIds = new WeakMap<Logger, unknown>();

/** The `requestId` a pino logger binds (e.g. the child `requestContext()` makes), if any. Cached: pino parses its bindings on each call. */
export function boundRequestId(logger: Logger): unknown {
  if (boundIds.has(logger)) return boundIds.get(logger);
  const id = typeof logger.bindings === 'function' ? (logger.bindings() as Record<string, unknown>).requestId : undefined;
  boundIds.set(logger, id);
  return id;
}
