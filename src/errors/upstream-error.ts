import { MAX_TIMER_MS, clampDelay } from '../context/timers.js';
import { redactBody, redactObject, redactText, redactUrl } from '../logging/redact.js';
import { AppError } from './app-error.js';
import type { ProblemDetails } from './problem-details.js';

const UPSTREAM_BRAND = Symbol.for('resilient-http.UpstreamError');

/**
 * The longest `Retry-After` this package reports, in ms: the longest delay a
 * Node timer honours (2^31 − 1 ms, about 24.8 days). Longer values from the
 * wire are clamped to it; they exceed any `maxRetryAfter`, so such a call
 * fails at once.
 */
export const MAX_RETRY_AFTER_MS: number = MAX_TIMER_MS;

/** Longest `responseBody` an error keeps, in characters (then `…`). */
export const BODY_EXCERPT_LIMIT = 2048;

/** A delay from the wire as whole ms in [0, MAX_RETRY_AFTER_MS]; `undefined` for anything not a finite number. */
function boundedDelay(ms: number | undefined): number | undefined {
  return typeof ms === 'number' && Number.isFinite(ms) ? clampDelay(ms) : undefined;
}

/**
 * What every upstream error is built from: the fields {@link UpstreamError}
 * declares. A class that carries more takes its own init, which extends this
 * one (`UpstreamTimeoutErrorInit`, `UpstreamHttpErrorInit`, …), so a field
 * of one class cannot be handed to another.
 */
export interface UpstreamErrorInit {
  /** The upstream's name, e.g. `billing`. */
  service: string;
  /** HTTP method, e.g. `GET`. */
  method: string;
  /** The URL called; stored and shown redacted (no user-info, no secret query values). */
  url: string | URL;
  /** The request ID sent on every attempt. */
  requestId?: string | undefined;
  /** Attempts made, the first included. @default 1 */
  attempts?: number | undefined;
  /** Time from the call to the failure, all attempts and waits included. @default 0 */
  durationMs?: number | undefined;
  /** Whether the failure is transient by the client's retry rules. Each class has a default. */
  retryable?: boolean | undefined;
  /** The upstream's HTTP status, when it answered. */
  upstreamStatus?: number | undefined;
  /** The upstream's response body, or its start; redacted, then cut to 2 KiB, as it enters the error. */
  responseBody?: string | undefined;
  /** The parsed RFC 9457 problem details, when the upstream sent `application/problem+json`. */
  problem?: ProblemDetails | undefined;
  /** The delay the upstream asked for in `Retry-After`, in milliseconds. */
  retryAfterMs?: number | undefined;
  /** The system error code of a network failure, e.g. `ECONNREFUSED`. */
  systemCode?: string | undefined;
  /** True when a retry was refused because the client's retry budget was spent. */
  budgetExhausted?: boolean | undefined;
  /** Overrides the class's description of what happened (the middle of the message). */
  detail?: string | undefined;
  /** The underlying error. */
  cause?: unknown;
}

/**
 * Which timeout ended a call, as `UpstreamTimeoutError.timeoutKind` says:
 * `attempt` (one attempt's `timeout.attempt`), `total` (the call's
 * `timeout.total`), `deadline` (the request context's deadline), `signal`
 * (the caller's `signal` or the context's aborted with a `TimeoutError`
 * reason, as `AbortSignal.timeout(ms)` does), or `idle` (a streamed body's
 * wait for its next chunk, `timeout.idle`).
 */
export type TimeoutKind = 'attempt' | 'total' | 'deadline' | 'signal' | 'idle';

/** The stable code of every upstream error class. */
export type UpstreamErrorCode =
  | 'UPSTREAM_ERROR'
  | UpstreamHttpErrorCode
  | 'UPSTREAM_TIMEOUT'
  | 'UPSTREAM_NETWORK_ERROR'
  | 'UPSTREAM_CIRCUIT_OPEN'
  | 'UPSTREAM_CONCURRENCY_LIMIT'
  | 'UPSTREAM_THROTTLED'
  | 'UPSTREAM_INVALID_RESPONSE'
  | 'UPSTREAM_RESPONSE_TOO_LARGE'
  | 'UPSTREAM_CREDENTIALS_FAILED'
  | 'UPSTREAM_ABORTED';

/** The codes of `UpstreamHttpError` and its subclasses. */
export type UpstreamHttpErrorCode =
  | 'UPSTREAM_HTTP_ERROR'
  | 'UPSTREAM_BAD_REQUEST'
  | 'UPSTREAM_UNAUTHORIZED'
  | 'UPSTREAM_FORBIDDEN'
  | 'UPSTREAM_NOT_FOUND'
  | 'UPSTREAM_CONFLICT'
  | 'UPSTREAM_VALIDATION_FAILED'
  | 'UPSTREAM_RATE_LIMITED'
  | 'UPSTREAM_SERVER_ERROR'
  | 'UPSTREAM_UNAVAILABLE';

/**
 * Class-level facts each upstream error class declares, once: its instances'
 * `code` is typed from `defaults.code`. `C` is the codes a class and its
 * subclasses may carry.
 */
export interface UpstreamErrorDefaults<C extends UpstreamErrorCode = UpstreamErrorCode> {
  /** The error's stable code. */
  code: C;
  /** The upstream status the class stands for (HTTP classes), used when `init.upstreamStatus` is absent. */
  upstreamStatus?: number;
  /** The status this service should answer its own caller with. */
  statusCode: number;
  /** Whether this kind of failure is transient unless the client says otherwise. */
  retryable: boolean;
}

/**
 * A class's {@link UpstreamErrorDefaults}, its code kept as a literal type:
 * the one place each class writes its code.
 */
export function errorDefaults<C extends UpstreamErrorCode>(defaults: UpstreamErrorDefaults<C>): UpstreamErrorDefaults<C> {
  return defaults;
}

/**
 * Base class of every failure of a call to another service. Its message says
 * which service, which operation and what happened, and ends with the
 * redacted `METHOD URL`:
 *
 * `Upstream "billing" refused the connection at billing.internal:443 (ECONNREFUSED) (3 attempts in 412 ms) [request 5f0c…]: GET https://billing.internal/invoices/42`
 *
 * `statusCode` is what this service should answer its own caller; the
 * upstream's status is `upstreamStatus`.
 */
export class UpstreamError extends AppError {
  /** The error's stable code: one of the upstream codes, narrowed to one literal by each subclass. */
  declare readonly code: UpstreamErrorCode;
  /** The upstream's name. */
  readonly service: string;
  /** HTTP method. */
  readonly method: string;
  /** The URL called, redacted. */
  readonly url: string;
  /** The request ID sent on every attempt. */
  readonly requestId: string | undefined;
  /** Attempts made, the first included. */
  readonly attempts: number;
  /** Time from the call to the failure, in milliseconds. */
  readonly durationMs: number;
  /** Whether the failure is transient (retrying later may succeed). */
  readonly retryable: boolean;
  /** The upstream's HTTP status, when it answered. */
  readonly upstreamStatus: number | undefined;
  /** A bounded, redacted excerpt of the upstream's response body. */
  readonly responseBody: string | undefined;
  /** Parsed RFC 9457 problem details, when sent. */
  readonly problem: ProblemDetails | undefined;
  /** The delay the upstream asked for in `Retry-After`, in milliseconds. */
  readonly retryAfterMs: number | undefined;
  /** The system error code of a network failure, e.g. `ECONNREFUSED`. */
  readonly systemCode: string | undefined;
  /** True when a retry was refused because the retry budget was spent. */
  readonly budgetExhausted: boolean;

  /** Defaults of this class: code, statusCode and retryability. Subclasses override. */
  static readonly defaults: UpstreamErrorDefaults = {
    code: 'UPSTREAM_ERROR',
    statusCode: 502,
    retryable: false,
  };

  /** @param init - What is known about the failure. */
  constructor(init: UpstreamErrorInit) {
    const defaults = new.target.defaults;
    const url = redactUrl(init.url);
    const attempts = init.attempts ?? 1;
    const durationMs = Math.round(init.durationMs ?? 0);
    // The problem is redacted before the message quotes (and cuts) its title and detail.
    const problem = init.problem === undefined ? undefined : (redactObject(init.problem) as ProblemDetails);
    const detail = redactText(init.detail ?? new.target.describe(problem === undefined ? init : { ...init, problem }));
    const tally =
      attempts === 0 ? 'no request sent' : `${attempts} attempt${attempts === 1 ? '' : 's'} in ${durationMs} ms`;
    const budget = init.budgetExhausted === true ? ', retry budget exhausted' : '';
    const request = init.requestId === undefined ? '' : ` [request ${init.requestId}]`;
    const message = `Upstream "${init.service}" ${detail} (${tally}${budget})${request}: ${init.method.toUpperCase()} ${url}`;
    super(message, { code: defaults.code, statusCode: defaults.statusCode, cause: init.cause });
    this.service = init.service;
    this.method = init.method.toUpperCase();
    this.url = url;
    this.requestId = init.requestId;
    this.attempts = attempts;
    this.durationMs = durationMs;
    this.retryable = init.retryable ?? defaults.retryable;
    this.upstreamStatus = init.upstreamStatus ?? defaults.upstreamStatus;
    // Where a body, a problem and a URL are redacted: once, here. The body before it is cut, so a secret across the cut goes whole.
    this.responseBody = init.responseBody === undefined ? undefined : redactBody(init.responseBody, BODY_EXCERPT_LIMIT);
    this.problem = problem;
    this.retryAfterMs = boundedDelay(init.retryAfterMs);
    this.systemCode = init.systemCode;
    this.budgetExhausted = init.budgetExhausted === true;
    Object.defineProperty(this, UPSTREAM_BRAND, { value: true });
  }

  /** What happened, in a few words, when no `detail` is given. Subclasses override. */
  static describe(_init: UpstreamErrorInit): string {
    return 'failed';
  }

  /** A message for this service's own caller: names the upstream, hides URLs and bodies. */
  override get publicMessage(): string {
    return `The upstream service "${this.service}" failed`;
  }

  /** A safe, loggable object: every field, redacted, without the stack. */
  override toJSON(): Record<string, unknown> {
    const json: Record<string, unknown> = {
      ...super.toJSON(),
      service: this.service,
      method: this.method,
      url: this.url,
      requestId: this.requestId,
      attempts: this.attempts,
      durationMs: this.durationMs,
      retryable: this.retryable,
    };
    if (this.upstreamStatus !== undefined) json.upstreamStatus = this.upstreamStatus;
    if (this.responseBody !== undefined) json.responseBody = this.responseBody;
    if (this.problem !== undefined) json.problem = this.problem;
    if (this.retryAfterMs !== undefined) json.retryAfterMs = this.retryAfterMs;
    if (this.systemCode !== undefined) json.systemCode = this.systemCode;
    if (this.budgetExhausted) json.budgetExhausted = true;
    if (this.cause !== undefined) json.cause = describeCause(this.cause);
    return json;
  }
}

/** A cause reduced to name, code and redacted message: no stack, no nested objects. */
function describeCause(cause: unknown): Record<string, unknown> {
  if (cause instanceof Error) {
    const out: Record<string, unknown> = { name: cause.name, message: redactText(cause.message) };
    const code = (cause as { code?: unknown }).code;
    if (typeof code === 'string') out.code = code;
    return out;
  }
  return { message: redactText(String(cause)) };
}

/**
 * True when `value` is an {@link UpstreamError}, including one created by
 * another copy of this package.
 */
export function isUpstreamError(value: unknown): value is UpstreamError {
  return typeof value === 'object' && value !== null && UPSTREAM_BRAND in value;
}
