import { redactText } from '../logging/redact.js';
import type { SchemaIssue, StandardSchemaIssue } from './standard-schema.js';

/** Most issues an error keeps; a validator may report one per array element. */
export const MAX_SCHEMA_ISSUES = 20;
const MAX_MESSAGE_LENGTH = 200;
const MAX_PATH_LENGTH = 32;

/**
 * A validator's issues as an error keeps them: at most {@link MAX_SCHEMA_ISSUES},
 * each message redacted and cut to 200 characters, each path reduced to
 * string keys and integer indexes. Defensive: the validator is the caller's
 * code, and may hand back anything.
 */
export function toSchemaIssues(issues: unknown): SchemaIssue[] {
  if (!Array.isArray(issues) || issues.length === 0) return [{ message: 'the schema rejected the body', path: [] }];
  return (issues as unknown[]).slice(0, MAX_SCHEMA_ISSUES).map((issue) => {
    const raw = typeof issue === 'object' && issue !== null ? (issue as Partial<StandardSchemaIssue>) : {};
    const message = typeof raw.message === 'string' ? raw.message : 'invalid';
    return { message: redactText(message).slice(0, MAX_MESSAGE_LENGTH), path: toPath(raw.path) };
  });
}

function toPath(path: unknown): (string | number)[] {
  if (!Array.isArray(path)) return [];
  return (path as unknown[]).slice(0, MAX_PATH_LENGTH).map((segment) => {
    const key = typeof segment === 'object' && segment !== null && 'key' in segment ? segment.key : segment;
    if (typeof key === 'number' && Number.isInteger(key)) return key;
    return redactText(typeof key === 'symbol' ? (key.description ?? 'symbol') : String(key)).slice(0, MAX_MESSAGE_LENGTH);
  });
}

/** `items.0.id: Expected number`, or the message alone for the body itself. */
export function describeIssue(issue: SchemaIssue): string {
  return issue.path.length === 0 ? issue.message : `${issue.path.join('.')}: ${issue.message}`;
}
