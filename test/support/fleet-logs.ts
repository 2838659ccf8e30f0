import { pino } from 'pino';
import type { Logger } from 'pino';

/** One parsed pino line. */
export type FleetLogLine = Record<string, unknown> & { msg: string; level: number };

/** A captured debug-level logger: every line parsed into `lines`. */
export interface FleetLogs {
  readonly logger: Logger;
  readonly lines: FleetLogLine[];
  /** The lines whose `msg` is `msg`. */
  named(msg: string): FleetLogLine[];
}

/** A pino logger at `debug` whose lines are parsed into an array. */
export function fleetLogs(): FleetLogs {
  const lines: FleetLogLine[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => lines.push(JSON.parse(line) as FleetLogLine) });
  return { logger, lines, named: (msg) => lines.filter((line) => line.msg === msg) };
}
