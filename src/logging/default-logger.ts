import { pino } from 'pino';
import type { Logger } from 'pino';

let defaultLogger: Logger | undefined;

/**
 * The logger used when none is given: pino at `info`, or at `LOG_LEVEL` when
 * set, writing JSON lines to stdout. Created once, on first use.
 */
export function getDefaultLogger(): Logger {
  defaultLogger ??= pino({ name: 'resilient-http', level: process.env.LOG_LEVEL ?? 'info' });
  return defaultLogger;
}
