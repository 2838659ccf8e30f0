import { randomUUID } from 'node:crypto';

const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * True when a request ID is safe to log and forward: 1 to 128 characters of
 * `[A-Za-z0-9._:-]` (no CR/LF, no markup, nothing that can split a header).
 */
export function isSafeRequestId(value: unknown): value is string {
  return typeof value === 'string' && SAFE_REQUEST_ID.test(value);
}

/** A new request ID: a random UUID v4. */
export function generateRequestId(): string {
  return randomUUID();
}

/** Throws a `TypeError` naming `option` unless `value` is a safe request ID. */
export function assertSafeRequestId(value: unknown, option: string): asserts value is string {
  if (!isSafeRequestId(value)) {
    throw new TypeError(`${option} must be 1 to 128 characters of [A-Za-z0-9._:-], got ${describeValue(value)}`);
  }
}

function describeValue(value: unknown): string {
  if (typeof value !== 'string') return typeof value;
  return value.length > 40 ? `a string of ${value.length} characters` : JSON.stringify(value);
}
