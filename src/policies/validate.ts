/**
 * Option checks shared by the policies (which own their options) and the client: one TypeError format,
 * `<path> must be <rule>, got <value>`.
 */
import { MAX_TIMER_MS } from '../context/timers.js';
import { redactText } from '../logging/redact.js';

/** A bad value for a message: strings redacted (a base URL may carry a token), objects by kind only. */
function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(redactText(value));
  if (typeof value === 'number' || typeof value === 'boolean' || value == null) return String(value);
  return Array.isArray(value) ? 'an array' : typeof value;
}

/** Throws the TypeError every option check throws: `<path> must be <rule>, got <value>`. */
export function fail(path: string, rule: string, value: unknown): never {
  throw new TypeError(`${path} must be ${rule}, got ${show(value)}`);
}

/** `value` as an object whose keys are all in `known`; throws naming the first unknown one. */
export function checkObject(path: string, value: unknown, known: readonly string[]): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(path, 'an object', value);
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) throw new TypeError(`${path}.${key} is not a known option (known: ${known.join(', ')})`);
  }
  return value as Record<string, unknown>;
}

/** An HTTP token (RFC 9110): what a header name or a method may be. */
export const HTTP_TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** A number from 0 (exclusive when `positive`) to {@link MAX_TIMER_MS}, or the fallback when undefined. */
export function duration(path: string, value: unknown, fallback: number, positive = false): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !(value <= MAX_TIMER_MS) || value < 0 || (positive && value === 0)) {
    fail(path, `a number ${positive ? '> 0' : '>= 0'} and <= ${MAX_TIMER_MS}`, value);
  }
  return value;
}

/** An integer >= `min`, or the fallback when undefined. */
export function integer(path: string, value: unknown, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) fail(path, `an integer >= ${min}`, value);
  return value;
}

/** A number in (0, 1], or the fallback when undefined. */
export function ratio(path: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !(value > 0 && value <= 1)) fail(path, 'a number in (0, 1]', value);
  return value;
}
