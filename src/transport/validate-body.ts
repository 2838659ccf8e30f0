import { settledUnlessAborted } from '../context/timers.js';
import type { Settled } from '../context/timers.js';
import type { StandardSchemaIssue, StandardSchemaResult, StandardSchemaV1 } from '../errors/standard-schema.js';

/** What a schema made of a body: its output, or why not. */
export type BodyVerdict =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly issues: readonly StandardSchemaIssue[]; readonly cause: unknown };

/**
 * Runs a Standard Schema v1 validator (sync or async) on a parsed body. Never
 * throws: a validator that throws, or whose promise rejects, is a rejection
 * with one issue saying so. An async validator is abandoned when the attempt's
 * signal aborts (the caller then reads the signal).
 */
export async function validateBody(schema: StandardSchemaV1, data: unknown, signal: AbortSignal): Promise<BodyVerdict> {
  let settled: Settled<StandardSchemaResult<unknown>>;
  try {
    const pending = schema['~standard'].validate(data);
    settled = pending instanceof Promise ? await settledUnlessAborted(pending, signal) : { ok: true, value: pending };
  } catch (error) {
    settled = { ok: false, error };
  }
  if (!settled.ok) {
    const error = settled.error;
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, issues: [{ message: `the schema threw: ${message}` }], cause: error };
  }
  const result = settled.value;
  // The standard: a falsy `issues` means success.
  if (typeof result !== 'object' || result === null) return { ok: false, issues: [{ message: 'the schema returned no result' }], cause: undefined };
  if (result.issues) return { ok: false, issues: result.issues, cause: undefined };
  return { ok: true, value: result.value };
}

