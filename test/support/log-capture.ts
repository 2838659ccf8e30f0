import { pino } from 'pino';
import type { Logger } from 'pino';

/** One parsed pino line. */
export type LogLine = Record<string, unknown> & { msg: string; level: number };

/** A debug-level pino logger whose lines are parsed into `lines`. */
export function captureLogs(): { logger: Logger; lines: LogLine[]; named: (msg: string) => LogLine[] } {
  const lines: LogLine[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => lines.push(JSON.parse(line) as LogLine) });
  return { logger, lines, named: (msg) => lines.filter((line) => line.msg === msg) };
}
