import { MAX_TIMER_MS, clampDelay } from '../context/timers.js';

/** IMF-fixdate, RFC 850 date, or asctime date. */
const HTTP_DATE =
  /^(?:[A-Za-z]{3}, \d{2} [A-Za-z]{3} \d{4} \d{2}:\d{2}:\d{2} GMT|[A-Za-z]{6,9}, \d{2}-[A-Za-z]{3}-\d{2} \d{2}:\d{2}:\d{2} GMT|[A-Za-z]{3} [A-Za-z]{3} [ \d]\d \d{2}:\d{2}:\d{2} \d{4})$/;

/**
 * Parses a `Retry-After` header: delay-seconds or an HTTP date. Pure.
 *
 * @param value - The header's value.
 * @param now - The current time in ms since the epoch (for dates).
 * @returns The delay in whole ms — 0 for a date in the past, at most `MAX_RETRY_AFTER_MS` however
 *   large the value — or `undefined` when absent or unparseable. Never `NaN`, `Infinity` or negative.
 */
export function parseRetryAfter(value: string | null | undefined, now: number): number | undefined {
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  // A 400-digit value is Infinity as a number: compare digit counts before converting.
  if (/^\d+$/.test(trimmed)) return trimmed.replace(/^0+(?=\d)/, '').length > 10 ? MAX_TIMER_MS : clampDelay(Number(trimmed) * 1000);
  // Only the HTTP-date forms (RFC 9110 §5.6.7): V8's Date.parse also reads garbage such as "Retry 5" as a past date.
  if (!HTTP_DATE.test(trimmed)) return undefined;
  const delay = Date.parse(trimmed) - now;
  return Number.isNaN(delay) ? undefined : clampDelay(delay);
}

