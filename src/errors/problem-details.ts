import { defineMember, redactObject } from '../logging/redact.js';

/**
 * RFC 9457 problem details, as sent by an upstream with
 * `Content-Type: application/problem+json`. Extension members are kept.
 */
export interface ProblemDetails {
  /** A URI reference identifying the problem type. */
  type?: string;
  /** A short, human-readable summary of the problem type. */
  title?: string;
  /** The HTTP status the upstream generated. */
  status?: number;
  /** A human-readable explanation of this occurrence. */
  detail?: string;
  /** A URI reference identifying this occurrence. */
  instance?: string;
  /** Extension members. */
  [extension: string]: unknown;
}

const STANDARD_MEMBERS = new Set(['type', 'title', 'status', 'detail', 'instance']);

/** True when a `Content-Type` says RFC 9457 problem details. */
export function isProblemContentType(contentType: string | null | undefined): boolean {
  return contentType != null && /^application\/problem\+json\b/i.test(contentType.trim());
}

/**
 * Parses an RFC 9457 body: an object whose standard members have the right
 * types (others are dropped), with secret-looking members redacted.
 * Returns `undefined` for anything that is not a JSON object.
 */
export function parseProblemDetails(body: string): ProblemDetails | undefined {
  const problem = readProblemDetails(body);
  return problem === undefined ? undefined : (redactObject(problem) as ProblemDetails);
}

/**
 * {@link parseProblemDetails} without the redaction, for a problem on its way
 * into an `UpstreamError`, which redacts what it is given.
 */
export function readProblemDetails(body: string): ProblemDetails | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  const problem: ProblemDetails = {};
  // JSON.parse makes a "__proto__" member an own property; defineMember keeps it a plain member.
  for (const [key, value] of Object.entries(parsed)) {
    if (isWellTyped(key, value)) defineMember(problem, key, value);
  }
  return problem;
}

/** Standard members of the wrong type are dropped; `status` must be an HTTP status (a number from the wire, bounded). */
function isWellTyped(key: string, value: unknown): boolean {
  if (!STANDARD_MEMBERS.has(key)) return true;
  if (key === 'status') return Number.isInteger(value) && (value as number) >= 100 && (value as number) <= 599;
  return typeof value === 'string';
}
