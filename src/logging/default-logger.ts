import { pino } from 'pino';
import type { Logger } from 'pino';

let defaultLogger: Logger | undefined;

/**
 * The logger used when none is given: pino at `info`, or at `LOG_LEVEL` when
 * set, writing JSON lines to stdout. Created once, on first use. An empty or
 * unknown `LOG_LEVEL` means `info` (pino would throw, failing every call).
 */
export function getDefaultLogger(): Logger {
  defaultLogger ??= pino({ name: 'resilient-http', level: levelFromEnv(process.env.LOG_LEVEL) });
  return defaultLogger;
}

function levelFromEnv(value: string | undefined): string {
  const level = value?.trim().toLowerCase() ?? '';
  return level === 'silent' || Object.hasOwn(pino.levels.values, level) ? level : 'info';
}
