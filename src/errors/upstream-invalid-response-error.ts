import { describeIssue, toSchemaIssues } from './schema-issues.js';
import type { SchemaIssue, StandardSchemaIssue } from './standard-schema.js';
import type { UpstreamErrorInit } from './upstream-error.js';
import { UpstreamError, errorDefaults } from './upstream-error.js';

/** What an {@link UpstreamInvalidResponseError} is built from: the shared fields and, for a schema rejection, its issues. */
export interface UpstreamInvalidResponseErrorInit extends UpstreamErrorInit {
  /** What the call's schema rejected; kept redacted and bounded. Absent for a body that is not valid JSON. */
  issues?: readonly StandardSchemaIssue[] | undefined;
}

/**
 * The upstream answered with a body that does not match what it claimed
 * (JSON that does not parse) or what the call's `schema` expects (then
 * `issues` says why). Code `UPSTREAM_INVALID_RESPONSE`, 502. Never retried.
 */
export class UpstreamInvalidResponseError extends UpstreamError {
  /** @inheritDoc */
  declare readonly code: typeof UpstreamInvalidResponseError.defaults.code;
  /** @inheritDoc */
  static override readonly defaults = errorDefaults({
    code: 'UPSTREAM_INVALID_RESPONSE',
    statusCode: 502,
    retryable: false,
  });
  /**
   * What the call's schema rejected, when it did: at most 20 issues, each a
   * redacted message (at most 200 characters) and its path in the body.
   * `undefined` for a body that is not valid JSON.
   */
  readonly issues: readonly SchemaIssue[] | undefined;

  /** @param init - What is known about the failure; `issues` for a schema rejection. */
  constructor(init: UpstreamInvalidResponseErrorInit) {
    super(init);
    this.issues = init.issues === undefined ? undefined : toSchemaIssues(init.issues);
  }

  /** "answered 200 with a body that is not valid JSON", or "… its schema rejects (2 issues; first: id: Expected number)". */
  static override describe(init: UpstreamInvalidResponseErrorInit): string {
    const answered = `answered ${init.upstreamStatus ?? ''}`.trimEnd();
    if (init.issues === undefined) return `${answered} with a body that is not valid JSON`;
    const [first] = toSchemaIssues(init.issues);
    const count = Array.isArray(init.issues) ? Math.max(init.issues.length, 1) : 1;
    return `${answered} with a body its schema rejects (${count} issue${count === 1 ? '' : 's'}; first: ${first === undefined ? 'invalid' : describeIssue(first)})`;
  }

  /** @inheritDoc */
  override toJSON(): Record<string, unknown> {
    const json = super.toJSON();
    if (this.issues !== undefined) json.issues = this.issues;
    return json;
  }
}
