import { STATUS_CODES } from 'node:http';

import type { UpstreamErrorDefaults, UpstreamHttpErrorCode } from './upstream-error.js';
import {
  UpstreamBadRequestError,
  UpstreamConflictError,
  UpstreamForbiddenError,
  UpstreamHttpError,
  UpstreamNotFoundError,
  UpstreamRateLimitedError,
  UpstreamServerError,
  UpstreamUnauthorizedError,
  UpstreamUnavailableError,
  UpstreamValidationError,
} from './upstream-http-errors.js';
import type { UpstreamHttpErrorInit } from './upstream-http-errors.js';

/** The constructor of an {@link UpstreamHttpError} subclass, with its class defaults (code, statusCode, retryability). */
export type UpstreamHttpErrorClass = (new (init: UpstreamHttpErrorInit) => UpstreamHttpError) & {
  /** The class's code, statusCode and retryability. */
  readonly defaults: UpstreamErrorDefaults<UpstreamHttpErrorCode>;
};

const BY_STATUS: ReadonlyMap<number, UpstreamHttpErrorClass> = new Map<number, UpstreamHttpErrorClass>([
  [400, UpstreamBadRequestError],
  [401, UpstreamUnauthorizedError],
  [403, UpstreamForbiddenError],
  [404, UpstreamNotFoundError],
  [409, UpstreamConflictError],
  [422, UpstreamValidationError],
  [429, UpstreamRateLimitedError],
  [503, UpstreamUnavailableError],
]);

/**
 * The error class for an upstream status: 400, 401, 403, 404, 409, 422, 429
 * and 503 have their own; any other 5xx is {@link UpstreamServerError}; the
 * rest {@link UpstreamHttpError}.
 */
export function upstreamErrorClassForStatus(status: number): UpstreamHttpErrorClass {
  return BY_STATUS.get(status) ?? (status >= 500 && status <= 599 ? UpstreamServerError : UpstreamHttpError);
}

/**
 * Builds the right {@link UpstreamHttpError} subclass for `init.upstreamStatus`.
 *
 * @example
 * ```ts
 * const error = upstreamErrorFromStatus({ service: 'billing', method: 'GET', url, upstreamStatus: 404 });
 * error instanceof UpstreamNotFoundError; // true
 * ```
 */
export function upstreamErrorFromStatus(init: UpstreamHttpErrorInit & { upstreamStatus: number }): UpstreamHttpError {
  const ErrorClass = upstreamErrorClassForStatus(init.upstreamStatus);
  return new ErrorClass({
    ...init,
    upstreamStatusText: init.upstreamStatusText || STATUS_CODES[init.upstreamStatus] || undefined,
  });
}
