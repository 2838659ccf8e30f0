import type { ResponseType } from '../../transport/media-type.js';
import { fail } from '../../policies/validate.js';

/** The default `maxResponseSize`: 10 MiB. */
export const DEFAULT_MAX_RESPONSE_SIZE = 10 * 1024 * 1024;

const RESPONSE_TYPES = new Set<string>(['auto', 'json', 'text', 'bytes'] satisfies ResponseType[]);

/**
 * `maxResponseSize` (client-wide or per call), checked: an integer of bytes
 * >= 1, or `false` for no limit (then `undefined`); `fallback` when absent.
 *
 * @throws TypeError naming `path`.
 */
export function normalizeMaxResponseSize(path: string, value: unknown, fallback: number | undefined): number | undefined {
  if (value === undefined) return fallback;
  if (value === false) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) fail(path, 'an integer number of bytes >= 1, or false for no limit', value);
  return value;
}

/**
 * `options.responseType`, checked; `'auto'` when absent.
 *
 * @throws TypeError naming `options.responseType`.
 */
export function normalizeResponseType(value: unknown): ResponseType {
  if (value === undefined) return 'auto';
  if (typeof value !== 'string' || !RESPONSE_TYPES.has(value)) fail('options.responseType', `one of ${[...RESPONSE_TYPES].map((type) => `'${type}'`).join(', ')}`, value);
  return value as ResponseType;
}
