import type { UpstreamErrorDefaults, UpstreamErrorInit, UpstreamHttpErrorCode } from './upstream-error.js';
import { UpstreamError, errorDefaults } from './upstream-error.js';

/** What an {@link UpstreamHttpError} (or a subclass) is built from: the shared fields and the status text. */
export interface UpstreamHttpErrorInit extends UpstreamErrorInit {
  /** The upstream's status text, e.g. `Not Found`; shown in the message after the status. */
  upstreamStatusText?: string | undefined;
}

/**
 * The upstream answered with a non-2xx status that has no more specific
 * class. Code `UPSTREAM_HTTP_ERROR`, 502.
 */
export class UpstreamHttpError extends UpstreamError {
  /** The error's stable code: `UPSTREAM_HTTP_ERROR` or a subclass's. */
  declare readonly code: UpstreamHttpErrorCode;
  /**
   * The upstream's HTTP status. Always set: an error built by hand without
   * `upstreamStatus` takes the status its class stands for (404 for
   * `UpstreamNotFoundError`, 500 for `UpstreamServerError` and for this class).
   */
  declare readonly upstreamStatus: number;

  /** @inheritDoc */
  static override readonly defaults: UpstreamErrorDefaults<UpstreamHttpErrorCode> = {
    code: 'UPSTREAM_HTTP_ERROR',
    statusCode: 502,
    retryable: false,
    upstreamStatus: 500,
  };

  /** "answered 404 Not Found", with the problem's title and detail when sent. */
  static override describe(init: UpstreamHttpErrorInit): string {
    const status = `${init.upstreamStatus ?? 'an error'}${init.upstreamStatusText ? ` ${init.upstreamStatusText}` : ''}`;
    const title = init.problem?.title;
    const detail = init.problem?.detail;
    const problem = title ? `: ${title}${detail ? ` (${detail.slice(0, 200)})` : ''}` : detail ? `: ${detail.slice(0, 200)}` : '';
    return `answered ${status}${problem}`;
  }
}

/** The upstream answered 400. Code `UPSTREAM_BAD_REQUEST`, 502. */
export class UpstreamBadRequestError extends UpstreamHttpError {
  /** @inheritDoc */
  declare readonly code: typeof UpstreamBadRequestError.defaults.code;
  /** @inheritDoc */
  static override readonly defaults = errorDefaults({ code: 'UPSTREAM_BAD_REQUEST', statusCode: 502, retryable: false, upstreamStatus: 400 });
}

/** The upstream answered 401. Code `UPSTREAM_UNAUTHORIZED`, 502. */
export class UpstreamUnauthorizedError extends UpstreamHttpError {
  /** @inheritDoc */
  declare readonly code: typeof UpstreamUnauthorizedError.defaults.code;
  /** @inheritDoc */
  static override readonly defaults = errorDefaults({ code: 'UPSTREAM_UNAUTHORIZED', statusCode: 502, retryable: false, upstreamStatus: 401 });
}

/** The upstream answered 403. Code `UPSTREAM_FORBIDDEN`, 502. */
export class UpstreamForbiddenError extends UpstreamHttpError {
  /** @inheritDoc */
  declare readonly code: typeof UpstreamForbiddenError.defaults.code;
  /** @inheritDoc */
  static override readonly defaults = errorDefaults({ code: 'UPSTREAM_FORBIDDEN', statusCode: 502, retryable: false, upstreamStatus: 403 });
}

/** The upstream answered 404. Code `UPSTREAM_NOT_FOUND`, 502. */
export class UpstreamNotFoundError extends UpstreamHttpError {
  /** @inheritDoc */
  declare readonly code: typeof UpstreamNotFoundError.defaults.code;
  /** @inheritDoc */
  static override readonly defaults = errorDefaults({ code: 'UPSTREAM_NOT_FOUND', statusCode: 502, retryable: false, upstreamStatus: 404 });
}

/** The upstream answered 409. Code `UPSTREAM_CONFLICT`, 502. */
export class UpstreamConflictError extends UpstreamHttpError {
  /** @inheritDoc */
  declare readonly code: typeof UpstreamConflictError.defaults.code;
  /** @inheritDoc */
  static override readonly defaults = errorDefaults({ code: 'UPSTREAM_CONFLICT', statusCode: 502, retryable: false, upstreamStatus: 409 });
}

/** The upstream answered 422. Code `UPSTREAM_VALIDATION_FAILED`, 502. */
export class UpstreamValidationError extends UpstreamHttpError {
  /** @inheritDoc */
  declare readonly code: typeof UpstreamValidationError.defaults.code;
  /** @inheritDoc */
  static override readonly defaults = errorDefaults({ code: 'UPSTREAM_VALIDATION_FAILED', statusCode: 502, retryable: false, upstreamStatus: 422 });
}

/** The upstream answered 429. Code `UPSTREAM_RATE_LIMITED`, 503; `retryAfterMs` when it said. */
export class UpstreamRateLimitedError extends UpstreamHttpError {
  /** @inheritDoc */
  declare readonly code: typeof UpstreamRateLimitedError.defaults.code;
  /** @inheritDoc */
  static override readonly defaults = errorDefaults({ code: 'UPSTREAM_RATE_LIMITED', statusCode: 503, retryable: true, upstreamStatus: 429 });
}

/** The upstream answered 5xx. Code `UPSTREAM_SERVER_ERROR`, 502. */
export class UpstreamServerError extends UpstreamHttpError {
  /** @inheritDoc */
  declare readonly code: 'UPSTREAM_SERVER_ERROR' | typeof UpstreamUnavailableError.defaults.code;
  /** @inheritDoc */
  static override readonly defaults: UpstreamErrorDefaults<UpstreamServerError['code']> = {
    code: 'UPSTREAM_SERVER_ERROR',
    statusCode: 502,
    retryable: true,
    upstreamStatus: 500,
  };
}

/** The upstream answered 503. Code `UPSTREAM_UNAVAILABLE`, 503; `retryAfterMs` when it said. */
export class UpstreamUnavailableError extends UpstreamServerError {
  /** @inheritDoc */
  declare readonly code: typeof UpstreamUnavailableError.defaults.code;
  /** @inheritDoc */
  static override readonly defaults = errorDefaults({ code: 'UPSTREAM_UNAVAILABLE', statusCode: 503, retryable: true, upstreamStatus: 503 });
}
