import { pino } from 'pino';
import type { Logger } from 'pino';

/** One parsed pino line. */
export type LogLine = Record<string, unknown> & { level: number; msg: string };

/** A pino logger whose lines are kept, raw and parsed. */
export interface CapturedLogs {
  readonly logger: Logger;
  /** Parsed lines, oldest first. */
  readonly lines: LogLine[];
  /** The raw JSON text of each line, as pino wrote it. */
  readonly raw: string[];
  /** Parsed lines whose `msg` is `msg`. */
  readonly named: (msg: string) => LogLine[];
}

/** pino's numeric levels. */
export const LEVEL = { debug: 20, info: 30, warn: 40, error: 50 } as const;

/** A pino logger at `level` writing into memory. */
export function capturePino(level = 'debug'): CapturedLogs {
  const lines: LogLine[] = [];
  const raw: string[] = [];
  const logger = pino({ level }, {
    write(text: string) {
      raw.push(text);
      lines.push(JSON.parse(text) as LogLine);
    },
  });
  return { logger, lines, raw, named: (msg) => lines.filter((line) => line.msg === msg) };
}

/** How many times `"key":` occurs in a raw JSON line. */
export function countKey(raw: string, key: string): number {
  return raw.split(`"${key}":`).length - 1;
}

/**
 * The keys that occur more than once in the same object of a raw JSON text
 * (JSON.parse keeps only the last, so duplicates are invisible once parsed).
 */
export function duplicateKeys(raw: string): string[] {
  const duplicates: string[] = [];
  const stack: (Set<string> | undefined)[] = [];
  let expectKey = false;
  for (let i = 0; i < raw.length; i++) {
    const char = raw[i];
    if (char === '"') {
      let end = i + 1;
      while (raw[end] !== '"') end += raw[end] === '\\' ? 2 : 1;
      const keys = stack.at(-1);
      if (expectKey && keys !== undefined) {
        const key = JSON.parse(raw.slice(i, end + 1)) as string;
        if (keys.has(key)) duplicates.push(key);
        keys.add(key);
        expectKey = false;
      }
      i = end;
    } else if (char === '{') {
      stack.push(new Set());
      expectKey = true;
    } else if (char === '[') {
      stack.push(undefined);
      expectKey = false;
    } else if (char === '}' || char === ']') {
      stack.pop();
    } else if (char === ',') {
      expectKey = stack.at(-1) !== undefined;
    }
  }
  return duplicates;
}
