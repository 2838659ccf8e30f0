import type { StandardSchemaV1 } from '../errors/standard-schema.js';

/**
 * `options.schema`, checked: anything with a `~standard.validate` function
 * (Standard Schema v1; arktype's schemas are functions, zod's and valibot's objects).
 *
 * @throws TypeError naming `options.schema`.
 */
export function checkSchema(schema: unknown): StandardSchemaV1 | undefined {
  if (schema === undefined) return undefined;
  const props = (typeof schema === 'object' || typeof schema === 'function') && schema !== null
    ? (schema as { '~standard'?: { version?: unknown; validate?: unknown } })['~standard']
    : undefined;
  if (typeof props?.validate !== 'function' || props.version !== 1) {
    throw new TypeError(`options.schema must be a Standard Schema v1 validator (zod, valibot, arktype, …: an object with ~standard.validate), got ${describe(schema)}`);
  }
  return schema as StandardSchemaV1;
}

/**
 * `options.expectedStatus`, checked: an array of integer HTTP statuses from 100 to 599.
 *
 * @throws TypeError naming `options.expectedStatus`.
 */
export function checkExpectedStatus(statuses: unknown): ReadonlySet<number> | undefined {
  if (statuses === undefined) return undefined;
  if (!Array.isArray(statuses)) throw new TypeError(`options.expectedStatus must be an array of HTTP statuses (integers 100–599), got ${describe(statuses)}`);
  for (const [index, status] of (statuses as unknown[]).entries()) {
    if (typeof status !== 'number' || !Number.isInteger(status) || status < 100 || status > 599) {
      throw new TypeError(`options.expectedStatus[${index}] must be an integer HTTP status from 100 to 599, got ${describe(status)}`);
    }
  }
  return new Set(statuses as number[]);
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.slice(0, 50));
  if (typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined) return String(value);
  return Array.isArray(value) ? 'an array' : typeof value;
}
