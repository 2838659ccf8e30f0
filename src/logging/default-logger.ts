import { pino } from 'pino';
import type { Logger } from 'pino';

let defaultLogger: Logger | undefined;
/** The package's default logger and the children made from it for request contexts. */
const fromDefault = new WeakSet<Logger>();

/**
 * The logger used when none is given: pino at `info`, or at `LOG_LEVEL` when
 * set, writing JSON lines to stdout. Created once, on first use. An empty or
 * unknown `LOG_LEVEL` means `info` (pino would throw, failing every call).
 */
export function getDefaultLogger(): Logger {
  if (defaultLogger === undefined) {
    defaultLogger = pino({ name: 'resilient-http', level: levelFromEnv(process.env.LOG_LEVEL) });
    fromDefault.add(defaultLogger);
  }
  return defaultLogger;
}

/** A child of the default logger (what `requestContext()` binds when it was given none), marked as such. */
export function defaultLoggerChild(bindings: Record<string, unknown>): Logger {
  const child = getDefaultLogger().child(bindings);
  fromDefault.add(child);
  return child;
}

/** True for the package's default logger and the request-context children made from it. */
export function isDefaultLogger(logger: Logger): boolean {
  return fromDefault.has(logger);
}

/**
 * The logger a line goes to: the request context's, unless that one is only
 * the package's default (the service gave `requestContext()` none) and the
 * writer has a logger of its own — then the service's logger wins, so no line
 * of a service that gave a logger carries the default's `name`.
 */
export function chooseLogger(contextLogger: Logger | undefined, own: Logger): Logger {
  if (contextLogger === undefined) return own;
  return isDefaultLogger(contextLogger) && !isDefaultLogger(own) ? own : contextLogger;
}

function levelFromEnv(value: string | undefined): string {
  const level = value?.trim().toLowerCase() ?? '';
  return level === 'silent' || Object.hasOwn(pino.levels.values, level) ? level : 'info';
}
