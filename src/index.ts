export { createClient } from './client/create-client.js';
export type {
  BulkheadOptions,
  CallRetryOptions,
  CircuitBreakerOptions,
  CircuitStateName,
  Client,
  ClientOptions,
  ClientResponse,
  HedgingOptions,
  RequestOptions,
  RetryBudgetOptions,
  RetryOptions,
  SamplingBreakerOptions,
  SearchParamsInit,
  TimeoutOptions,
} from './client/types.js';

export { AppError, isAppError } from './errors/app-error.js';
export type { AppErrorOptions } from './errors/app-error.js';
export { ConflictError, NotFoundError, ValidationError } from './errors/domain-errors.js';
export { UpstreamError, isUpstreamError } from './errors/upstream-error.js';
export type { UpstreamErrorDefaults, UpstreamErrorInit } from './errors/upstream-error.js';
export {
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
} from './errors/upstream-http-errors.js';
export {
  UpstreamAbortedError,
  UpstreamCircuitOpenError,
  UpstreamConcurrencyLimitError,
  UpstreamInvalidResponseError,
  UpstreamNetworkError,
  UpstreamTimeoutError,
} from './errors/upstream-transport-errors.js';
export { upstreamErrorClassForStatus, upstreamErrorFromStatus } from './errors/from-status.js';
export type { UpstreamHttpErrorClass } from './errors/from-status.js';
export { isProblemContentType, parseProblemDetails } from './errors/problem-details.js';
export type { ProblemDetails } from './errors/problem-details.js';
export { toErrorResponse } from './errors/to-error-response.js';
export type { ErrorResponse, ErrorResponseBody, ErrorResponseOptions, ProblemResponseBody } from './errors/to-error-response.js';
export { errorHandler } from './errors/error-handler.js';
export type { ErrorHandlerOptions, ErrorMiddleware } from './errors/error-handler.js';

export { getRequestContext, getRequestId, withRequestContext } from './context/request-context.js';
export type { RequestContext, RequestContextInit } from './context/request-context.js';
export { generateRequestId, isSafeRequestId } from './context/request-id.js';
export { requestContext } from './context/middleware.js';
export type { RequestContextMiddleware, RequestContextMiddlewareOptions } from './context/middleware.js';

export { CHANNELS } from './events/events.js';
export type {
  BudgetExhaustedEvent,
  CallEventBase,
  CircuitEvent,
  ClientEventMap,
  ClientEventName,
  HedgeEvent,
  RequestEndEvent,
  RequestStartEvent,
  RetryEvent,
} from './events/events.js';

export { REDACTED, redactHeaders, redactText, redactUrl } from './logging/redact.js';
export { computeBackoffDelay, parseRetryAfter } from './policies/backoff.js';
