export { createClient } from './client/create-client.js';
export type {
  BytesRequestOptions,
  Client,
  ClientOptions,
  ClientResponse,
  RequestOptions,
  SchemaRequestOptions,
  SearchParamsInit,
  StreamResponse,
  TextRequestOptions,
} from './client/types.js';
export type { ResponseType } from './transport/media-type.js';
export type {
  InferSchemaOutput,
  SchemaIssue,
  StandardSchemaIssue,
  StandardSchemaPathSegment,
  StandardSchemaProps,
  StandardSchemaResult,
  StandardSchemaTypes,
  StandardSchemaV1,
} from './errors/standard-schema.js';
export type { DispatcherLike } from './transport/dispatcher.js';
export { throttleProbability } from './policies/adaptive-throttling.js';
export type { AdaptiveThrottlingOptions } from './policies/adaptive-throttling.js';
export type { BeforeAttemptHook, OutgoingAttempt } from './policies/before-attempt.js';
export type { BulkheadOptions } from './policies/bulkhead.js';
export type { AuthOptions, ExpiringToken, TokenProvider, TokenRequest } from './policies/credentials.js';
export type { FleetOptions, FleetStore } from './policies/fleet.js';
export type { RateLimitOptions } from './policies/rate-limit.js';
export type { CircuitStateName } from './policies/circuit-breaker/breaker.js';
export type { CircuitBreakerOptions, SamplingBreakerOptions } from './policies/circuit-breaker/options.js';
export type { TimeoutOptions } from './policies/deadline/timeouts.js';
export type { HedgingOptions } from './policies/hedging.js';
export type { RetryBudgetOptions } from './policies/retry/budget.js';
export type { CallRetryOptions, RetryOptions } from './policies/retry/options.js';

export { AppError, isAppError } from './errors/app-error.js';
export type { AppErrorOptions } from './errors/app-error.js';
export { ConflictError, NotFoundError, ValidationError } from './errors/domain-errors.js';
export { MAX_RETRY_AFTER_MS, UpstreamError, isUpstreamError } from './errors/upstream-error.js';
export type { TimeoutKind, UpstreamErrorCode, UpstreamErrorDefaults, UpstreamErrorInit, UpstreamHttpErrorCode } from './errors/upstream-error.js';
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
export type { UpstreamHttpErrorInit } from './errors/upstream-http-errors.js';
export { UpstreamAbortedError } from './errors/upstream-aborted-error.js';
export { UpstreamCircuitOpenError } from './errors/upstream-circuit-open-error.js';
export { UpstreamConcurrencyLimitError } from './errors/upstream-concurrency-limit-error.js';
export { UpstreamCredentialsError } from './errors/upstream-credentials-error.js';
export { UpstreamInvalidResponseError } from './errors/upstream-invalid-response-error.js';
export type { UpstreamInvalidResponseErrorInit } from './errors/upstream-invalid-response-error.js';
export { UpstreamResponseTooLargeError } from './errors/upstream-response-too-large-error.js';
export type { UpstreamResponseTooLargeErrorInit } from './errors/upstream-response-too-large-error.js';
export { UpstreamNetworkError } from './errors/upstream-network-error.js';
export { UpstreamThrottledError } from './errors/upstream-throttled-error.js';
export type { ThrottleReason, UpstreamThrottledErrorInit } from './errors/upstream-throttled-error.js';
export { UpstreamTimeoutError } from './errors/upstream-timeout-error.js';
export type { UpstreamTimeoutErrorInit } from './errors/upstream-timeout-error.js';
export { upstreamErrorClassForStatus, upstreamErrorFromStatus } from './errors/from-status.js';
export type { UpstreamHttpErrorClass } from './errors/from-status.js';
export { isProblemContentType, parseProblemDetails } from './errors/problem-details.js';
export type { ProblemDetails } from './errors/problem-details.js';
export { toErrorResponse } from './server/to-error-response.js';
export type { ErrorResponse, ErrorResponseBody, ErrorResponseOptions, ProblemResponseBody } from './server/to-error-response.js';
export { errorHandler } from './server/error-handler.js';
export type { ErrorHandlerOptions, ErrorMiddleware } from './server/error-handler.js';

export { getRequestContext, getRequestId, withRequestContext } from './context/request-context.js';
export type { RequestContext, RequestContextInit } from './context/request-context.js';
export { generateRequestId, isSafeRequestId } from './context/request-id.js';
export { requestContext } from './server/request-context-middleware.js';
export type { RequestContextMiddleware, RequestContextMiddlewareOptions } from './server/request-context-middleware.js';

export { CHANNELS } from './events/events.js';
export type {
  BudgetExhaustedEvent,
  CallError,
  CallErrorIssue,
  CallEventBase,
  CircuitEvent,
  ClientEventMap,
  ClientEventName,
  HedgeEvent,
  RequestEndEvent,
  RequestStartEvent,
  RetryEvent,
  ThrottleEvent,
} from './events/events.js';

export { getLogger } from './logging/get-logger.js';
export { REDACTED, redactHeaders, redactText, redactUrl } from './logging/redact.js';
export { computeBackoffDelay } from './policies/retry/backoff.js';
export { parseRetryAfter } from './transport/retry-after.js';
