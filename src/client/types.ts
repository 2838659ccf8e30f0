import type { Logger } from 'pino';

/** Retry budget parameters (Finagle-style): retries stay a bounded share of requests. */
export interface RetryBudgetOptions {
  /**
   * Share of requests in the window that may be retried.
   * @default 0.2
   */
  percent?: number;
  /**
   * Retries always allowed per second of window, so quiet clients can still retry.
   * @default 10
   */
  minRetriesPerSecond?: number;
  /**
   * Length of the sliding window, in milliseconds.
   * @default 10000
   */
  windowMs?: number;
}

/** Retry rules; see the README's "Retry rules". */
export interface RetryOptions {
  /**
   * Attempts in all, the first included.
   * @default 3
   */
  maxAttempts?: number;
  /**
   * Ceiling of the first backoff, in ms; it doubles each retry (full jitter).
   * @default 200
   */
  initialDelay?: number;
  /**
   * Largest backoff, in ms.
   * @default 5000
   */
  maxDelay?: number;
  /**
   * Upstream statuses that are retried.
   * @default [408, 429, 500, 502, 503, 504]
   */
  retryOnStatus?: readonly number[];
  /**
   * Methods retried without an idempotency key.
   * @default ['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']
   */
  methods?: readonly string[];
  /**
   * Longest `Retry-After` honoured, in ms; a longer one fails the call at once.
   * @default 30000
   */
  maxRetryAfter?: number;
  /**
   * Retry budget shared by all calls of the client; `false` disables it.
   * @default { percent: 0.2, minRetriesPerSecond: 10, windowMs: 10000 }
   */
  budget?: RetryBudgetOptions | boolean;
}

/** Per-call retry overrides: everything but the client-wide budget. */
export type CallRetryOptions = Omit<RetryOptions, 'budget'>;

/** Timeouts, in milliseconds. */
export interface TimeoutOptions {
  /**
   * One attempt: connection, headers and body.
   * @default 10000
   */
  attempt?: number;
  /**
   * The whole call: every attempt and every backoff wait.
   * @default 30000
   */
  total?: number;
}

/** Failure-ratio breaker: opens when the failure ratio over a window passes `threshold`. */
export interface SamplingBreakerOptions {
  /** Failure ratio that opens the circuit, strictly between 0 and 1. */
  threshold: number;
  /**
   * Window over which the ratio is measured, in ms.
   * @default 30000
   */
  duration?: number;
  /**
   * Fewest requests per second in the window before the breaker may open.
   * @default 5
   */
  minimumRps?: number;
}

/** Circuit breaker settings. Failures: network errors, timeouts, 5xx and 429. */
export interface CircuitBreakerOptions {
  /**
   * Consecutive failures that open the circuit.
   * @default 5
   */
  consecutiveFailures?: number;
  /** Use a failure-ratio breaker instead of the consecutive one. */
  sampling?: SamplingBreakerOptions;
  /**
   * Time the circuit stays open before one probe request is let through, in ms.
   * @default 10000
   */
  halfOpenAfter?: number;
  /** A state saved by `client.circuitSnapshot()`, to restore across restarts. */
  initialState?: unknown;
}

/** Bulkhead: a cap on concurrent requests to the upstream. */
export interface BulkheadOptions {
  /** Requests in flight at most. */
  limit: number;
  /**
   * Requests allowed to wait for a slot; beyond that calls fail at once.
   * @default 0
   */
  queue?: number;
}

/** Hedged requests: send another attempt when the first is slow (GET/HEAD, or with an idempotency key). */
export interface HedgingOptions {
  /** Time an attempt may go unanswered before a hedge is sent, in ms. */
  delay: number;
  /**
   * Extra attempts at most, per attempt.
   * @default 1
   */
  maxHedges?: number;
}

/** Options of `createClient`. Every field is optional. */
export interface ClientOptions {
  /**
   * The upstream's name in logs and errors.
   * @default the host of `baseUrl`
   */
  name?: string;
  /**
   * Any pino `Logger`; `false` disables logging. A logger in the request context wins.
   * @default pino at `info` (or `LOG_LEVEL`)
   */
  logger?: Logger | false;
  /** Headers sent on every request. */
  headers?: Record<string, string>;
  /**
   * Header that carries the request ID.
   * @default 'x-request-id'
   */
  requestIdHeader?: string;
  /** Per-attempt and total timeouts. */
  timeout?: TimeoutOptions;
  /**
   * Retry rules, or `false` for a single attempt.
   * @default on, with the defaults of {@link RetryOptions}
   */
  retry?: RetryOptions | false;
  /**
   * Circuit breaker, or `false` to disable.
   * @default { consecutiveFailures: 5, halfOpenAfter: 10000 }
   */
  circuitBreaker?: CircuitBreakerOptions | false;
  /**
   * Concurrency cap.
   * @default off
   */
  bulkhead?: BulkheadOptions | false;
  /**
   * Hedged requests.
   * @default off
   */
  hedging?: HedgingOptions | false;
  /**
   * The `fetch` ky uses; read at each attempt when not given, so test interceptors installed later apply.
   * @default globalThis.fetch
   */
  fetch?: typeof fetch;
}

/** Values accepted for `searchParams`. */
export type SearchParamsInit =
  | string
  | URLSearchParams
  | Record<string, string | number | boolean | undefined>
  | readonly (readonly [string, string])[];

/** Options of one call. */
export interface RequestOptions {
  /** A value sent as JSON (sets `content-type: application/json`). */
  json?: unknown;
  /**
   * A raw body: whatever `fetch` accepts as `RequestInit.body` (a string, `URLSearchParams`, `FormData`,
   * `Blob`, a buffer, a `ReadableStream`). A stream body is sent once: the call is then never retried or hedged.
   */
  body?: RequestInit['body'];
  /** Headers for this call, merged over the client's. */
  headers?: Record<string, string> | Headers;
  /** Query parameters, appended to the URL. */
  searchParams?: SearchParamsInit;
  /** Values for `{name}` placeholders in the path; each is percent-encoded. */
  params?: Record<string, string | number>;
  /** Cancels the call; the error is `UpstreamAbortedError`. */
  signal?: AbortSignal;
  /** The request ID to send; overrides the request context's. */
  requestId?: string;
  /** Sent as `Idempotency-Key`, the same on every attempt; `true` generates one. Makes any method retryable. */
  idempotencyKey?: string | true;
  /** Timeout overrides for this call. */
  timeout?: TimeoutOptions;
  /** Retry overrides for this call, or `false` for a single attempt. */
  retry?: CallRetryOptions | false;
}

/** The state of a client's circuit breaker. */
export type CircuitStateName = 'closed' | 'open' | 'half-open' | 'isolated';

/** A full response, for when status or headers matter. */
export interface ClientResponse<T> {
  /** HTTP status. */
  status: number;
  /** Response headers. */
  headers: Headers;
  /** Parsed body: JSON when the response says JSON, text otherwise, `undefined` when empty. */
  data: T;
}

/**
 * A resilient client for one upstream. Every method rejects only with an
 * `UpstreamError` subclass (or a `TypeError` for bad input, before anything is sent).
 */
export interface Client {
  /** GET `path`; resolves to the parsed body. */
  get<T = unknown>(path: string, options?: RequestOptions): Promise<T>;
  /** POST `path`; resolves to the parsed body. Not retried without an idempotency key. */
  post<T = unknown>(path: string, options?: RequestOptions): Promise<T>;
  /** PUT `path`; resolves to the parsed body. */
  put<T = unknown>(path: string, options?: RequestOptions): Promise<T>;
  /** PATCH `path`; resolves to the parsed body. Not retried without an idempotency key. */
  patch<T = unknown>(path: string, options?: RequestOptions): Promise<T>;
  /** DELETE `path`; resolves to the parsed body. */
  delete<T = unknown>(path: string, options?: RequestOptions): Promise<T>;
  /** HEAD `path`; resolves to status and headers. */
  head(path: string, options?: RequestOptions): Promise<ClientResponse<undefined>>;
  /** Any method; resolves to status, headers and parsed body. Same policies, same errors. */
  request<T = unknown>(method: string, path: string, options?: RequestOptions): Promise<ClientResponse<T>>;
  /** The upstream's name in logs and errors. */
  readonly name: string;
  /** The circuit breaker's state (`closed` when the breaker is disabled). */
  readonly circuitState: CircuitStateName;
  /** The breaker's state, serialisable, for `circuitBreaker.initialState` in a new process. */
  circuitSnapshot(): unknown;
}
