import { STATUS_CODES } from 'node:http';

import { getRequestId } from '../context/request-context.js';
import { isAppError } from '../errors/app-error.js';
import { MAX_RETRY_AFTER_MS, isUpstreamError } from '../errors/upstream-error.js';
import { GENERIC_MESSAGE, readHttpError } from './http-errors.js';

/** Body shape of an error response in the default (`json`) format. */
export interface ErrorResponseBody {
  /** The error. */
  error: {
    /** Stable, machine-readable code, e.g. `NOT_FOUND` or `INTERNAL_ERROR`. */
    code: string;
    /** A message safe for this service's caller. */
    message: string;
    /** The request ID, when known. */
    requestId?: string;
  };
}

/** Body shape of an error response in the RFC 9457 (`problem`) format. */
export interface ProblemResponseBody {
  /** Problem type URI; `about:blank` unless `problemTypeBase` is set. */
  type: string;
  /** Short summary: the status's reason phrase. */
  title: string;
  /** The HTTP status. */
  status: number;
  /** A message safe for this service's caller. */
  detail: string;
  /** Stable, machine-readable code. */
  code: string;
  /** The request ID, when known. */
  requestId?: string;
}

/** Options of {@link toErrorResponse}. */
export interface ErrorResponseOptions {
  /**
   * `json` → `{ error: { code, message, requestId } }` as `application/json`;
   * `problem` → RFC 9457 `application/problem+json`.
   * @default 'json'
   */
  format?: 'json' | 'problem';
  /** Request ID to report; defaults to the error's, then the current request context's. */
  requestId?: string;
  /** In `problem` format, `type` becomes `<problemTypeBase><code in kebab-case>`. */
  problemTypeBase?: string;
}

/** An HTTP response ready to send. */
export interface ErrorResponse {
  /** HTTP status. */
  status: number;
  /** Response headers (lower-case names). */
  headers: Record<string, string>;
  /** JSON body. */
  body: ErrorResponseBody | ProblemResponseBody;
}

const TITLES: Record<number, string> = {
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 409: 'Conflict',
  422: 'Unprocessable Content', 429: 'Too Many Requests', 499: 'Client Closed Request',
  500: 'Internal Server Error', 502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Timeout',
};

/** Integer delay-seconds for a `retry-after` header, or `undefined` for a value that is not a bounded delay. */
function retryAfterSeconds(ms: unknown): string | undefined {
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) return undefined;
  return String(Math.ceil(Math.min(ms, MAX_RETRY_AFTER_MS) / 1000));
}

/**
 * The global handler's core: turns any thrown value into a safe HTTP error
 * response. An {@link AppError} maps to its own status, code and message
 * (upstream errors to their `publicMessage`, which hides internal URLs and
 * bodies).
 *
 * An error of the framework's own `http-errors` convention (Express,
 * body-parser, Koa) — an integer `status` or `statusCode` from 400 to 599 —
 * answers that status: a 4xx whose `expose` is not `false` keeps its message
 * (redacted, at most 500 characters, without the request body a JSON parser
 * quotes) with a code derived from the status (`BAD_REQUEST`,
 * `UNAUTHORIZED`, `FORBIDDEN`, `NOT_FOUND`, `PAYLOAD_TOO_LARGE`,
 * `UNSUPPORTED_MEDIA_TYPE`, … `CLIENT_ERROR` for the others); a 5xx, or
 * `expose: false`, a generic message and code (`INTERNAL_ERROR` for 500,
 * `SERVICE_UNAVAILABLE` for 503, `BAD_GATEWAY`, `GATEWAY_TIMEOUT`, …
 * `SERVER_ERROR`).
 *
 * Anything else is 500 `INTERNAL_ERROR`, "An unexpected error occurred" —
 * its message, stack and fields never reach the body.
 *
 * @example
 * ```ts
 * const { status, headers, body } = toErrorResponse(new NotFoundError('User', '42'));
 * // 404, { error: { code: 'NOT_FOUND', message: "User with id '42' not found", requestId } }
 * toErrorResponse(Object.assign(new Error('request entity too large'), { status: 413 }));
 * // 413, { error: { code: 'PAYLOAD_TOO_LARGE', message: 'request entity too large' } }
 * ```
 */
export function toErrorResponse(error: unknown, options: ErrorResponseOptions = {}): ErrorResponse {
  const known = isAppError(error);
  const conventional = known ? undefined : readHttpError(error);
  const status = known
    ? (Number.isInteger(error.statusCode) && error.statusCode >= 400 && error.statusCode <= 599 ? error.statusCode : 500)
    : (conventional?.status ?? 500);
  const code = known ? error.code : (conventional?.code ?? 'INTERNAL_ERROR');
  const message = known ? error.publicMessage : (conventional?.message ?? GENERIC_MESSAGE);
  const requestId = options.requestId ?? (isUpstreamError(error) ? error.requestId : undefined) ?? getRequestId();
  const headers: Record<string, string> = {};
  const retryAfter = isUpstreamError(error) && (status === 503 || status === 429) ? retryAfterSeconds(error.retryAfterMs) : undefined;
  if (retryAfter !== undefined) headers['retry-after'] = retryAfter;
  if (options.format === 'problem') {
    headers['content-type'] = 'application/problem+json; charset=utf-8';
    const type = options.problemTypeBase === undefined
      ? 'about:blank'
      : `${options.problemTypeBase}${code.toLowerCase().replaceAll('_', '-')}`;
    const body: ProblemResponseBody = { type, title: TITLES[status] ?? STATUS_CODES[status] ?? 'Error', status, detail: message, code };
    if (requestId !== undefined) body.requestId = requestId;
    return { status, headers, body };
  }
  headers['content-type'] = 'application/json; charset=utf-8';
  const body: ErrorResponseBody = { error: { code, message } };
  if (requestId !== undefined) body.error.requestId = requestId;
  return { status, headers, body };
}
