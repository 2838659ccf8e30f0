import type { Logger } from 'pino';

import type { InferSchemaOutput, StandardSchemaV1 } from '../errors/standard-schema.js';
import type { AdaptiveThrottlingOptions } from '../policies/adaptive-throttling.js';
import type { BeforeAttemptHook } from '../policies/before-attempt.js';
import type { BulkheadOptions } from '../policies/bulkhead.js';
import type { AuthOptions } from '../policies/credentials.js';
import type { CircuitBreakerOptions } from '../policies/circuit-breaker/options.js';
import type { CircuitStateName } from '../policies/circuit-breaker/breaker.js';
import type { TimeoutOptions } from '../policies/deadline/timeouts.js';
import type { DispatcherLike } from '../transport/dispatcher.js';
import type { ResponseType } from '../transport/media-type.js';
import type { ClientResponse, StreamResponse } from './response-types.js';

export type { ClientResponse, StreamResponse } from './response-types.js';
import type { HedgingOptions } from '../policies/hedging.js';
import type { FleetOptions } from '../policies/fleet.js';
import type { RateLimitOptions } from '../policies/rate-limit.js';
import type { CallRetryOptions, RetryOptions } from '../policies/retry/options.js';

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
  /**
   * Header that tells the upstream, on every attempt, the time that attempt
   * has left in integer milliseconds (the smaller of the attempt timeout and
   * the call's remaining time, itself bounded by the request context's
   * deadline), so the upstream can stop in time too. Pairs with
   * `requestContext({ timeoutHeader })` on the upstream's side.
   * @default off
   */
  timeoutHeader?: string;
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
   * Adaptive throttling (`true` for the defaults): refuses a share of attempts locally while the upstream
   * rejects much of this client's traffic (see the README's "Fleets and overload"). While it is on, the
   * circuit breaker counts the upstream's 429 and 503 answers neither way: shedding is the throttle's signal.
   * @default off
   */
  adaptiveThrottling?: AdaptiveThrottlingOptions | boolean;
  /**
   * At most `limit` attempts per `intervalMs`, shared by the fleet with `fleet`.
   * @default off
   */
  rateLimit?: RateLimitOptions | false;
  /**
   * Shares the rate limit and `Retry-After` pauses across instances through a store.
   * @default off (each instance alone)
   */
  fleet?: FleetOptions | false;
  /**
   * The `fetch` every attempt goes through. A fetch given here goes through ky: it gets the `Request`
   * ky built and an `init` carrying the attempt's method, headers, body, signal, `redirect: 'manual'`
   * and dispatcher, which it must honour over the Request's fields. When not given, the global fetch
   * is read at each attempt, so test interceptors installed later apply, and called with the attempt's
   * URL and that `init`, without ky. The fetch of `createUndiciFetch()` (`resilient-http/undici`) reads
   * only the URL and `init` too, so it is called the same way, and its answer is read without a
   * `Response` around it.
   * @default globalThis.fetch
   */
  fetch?: typeof fetch;
  /**
   * An undici dispatcher handed to `fetch` on every attempt (`init.dispatcher`): an `Agent` or
   * `Pool` for connection limits and keep-alive, `connect` TLS options for mTLS, a `ProxyAgent` or
   * `EnvHttpProxyAgent`, `allowH2`. The global fetch and `createUndiciFetch` both honour it.
   * Node's global fetch takes dispatchers of undici 6 or 7 on Node 22 and 24, 7 or 8 on Node 26
   * (`createUndiciFetch`: 7 or 8); one it refuses is a `TypeError` naming `dispatcher`, thrown by
   * `createClient` when the dispatcher tells which handlers it takes, else by the first call.
   * @default fetch's own (undici's global dispatcher)
   */
  dispatcher?: DispatcherLike;
  /**
   * Most bytes of a response body the client reads into memory, counted after decoding (gzip, deflate, br,
   * zstd), so a decompression bomb stops at the limit; `false` for no limit. A `Content-Length` above it
   * fails before anything is read. Over it, the call rejects with `UpstreamResponseTooLargeError`, the
   * connection is closed, nothing is retried. Applies to `stream()` only when given for that call.
   * @default 10485760 (10 MiB)
   */
  maxResponseSize?: number | false;
  /**
   * Credentials sent on every attempt and hedge (`authorization: Bearer <token>`), from a provider the
   * client asks again near expiry and after a 401 (the attempt is then sent once more); see {@link AuthOptions}.
   * @default off
   */
  auth?: AuthOptions | false;
  /**
   * Called for every attempt and hedge after every header the client sets, right before sending, with the
   * exact body bytes: to sign requests (AWS Signature V4, HMAC). See {@link BeforeAttemptHook}.
   * @default off
   */
  beforeAttempt?: BeforeAttemptHook;
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
  /**
   * Any Standard Schema v1 validator (zod, valibot, arktype, …), sync or async: the parsed body of a
   * successful answer is validated and the call resolves to the schema's output (and is typed from it).
   * A body it rejects (or a validator that throws) is an `UpstreamInvalidResponseError` with `issues`:
   * never retried, not counted by the circuit breaker.
   * @example
   * ```ts
   * const invoice = await billing.get('invoices/7', { schema: z.object({ id: z.string(), total: z.number() }) });
   * ```
   */
  schema?: StandardSchemaV1;
  /**
   * Statuses that are a normal answer for this call (e.g. `[404]` when "not found" is handled): the call
   * still rejects with its typed error, but its `upstream_request_failed` line is written at `debug`.
   * Integers from 100 to 599.
   */
  expectedStatus?: readonly number[];
  /**
   * How a successful answer's body is handed over:
   * - `'auto'`: parsed JSON for JSON media types (`application/json`, `*\/*+json`), a string for textual
   *   ones (`text/*`, XML, JavaScript, form-encoded, or no `content-type`), a `Uint8Array` for the rest;
   * - `'json'`: parsed as JSON whatever the `content-type` says;
   * - `'text'`: a string decoded with the charset the `content-type` names (`iso-8859-1`, `utf-16le`, …; UTF-8 when none);
   * - `'bytes'`: a `Uint8Array`, byte for byte.
   *
   * An empty body, a 204/205 and a HEAD resolve to `undefined` in every mode. Not for `stream()`.
   * @default 'auto'
   */
  responseType?: ResponseType;
  /**
   * This call's body limit in decoded bytes, or `false` for none; see `ClientOptions.maxResponseSize`.
   * For `stream()`, the stream fails with `UpstreamResponseTooLargeError` once this many bytes have passed.
   * @default the client's `maxResponseSize` (none for `stream()`)
   */
  maxResponseSize?: number | false;
}

/** {@link RequestOptions} asking for the body as bytes. */
export interface BytesRequestOptions extends RequestOptions {
  /** The body as a `Uint8Array`, byte for byte. */
  responseType: 'bytes';
}

/** {@link RequestOptions} asking for the body as text. */
export interface TextRequestOptions extends RequestOptions {
  /** The body as a string, decoded by the `content-type`'s charset. */
  responseType: 'text';
}

/** {@link RequestOptions} with a `schema`: the call resolves to the schema's output. */
export interface SchemaRequestOptions<S extends StandardSchemaV1> extends RequestOptions {
  /** The validator the body must pass; the call resolves to its output. */
  schema: S;
}


/**
 * A resilient client for one upstream. Every method rejects only with an
 * `UpstreamError` subclass (or a `TypeError` for bad input, before anything is sent).
 */
export interface Client {
  /** GET `path`; resolves to the parsed body. */
  get<S extends StandardSchemaV1>(path: string, options: SchemaRequestOptions<S>): Promise<InferSchemaOutput<S>>;
  /** GET `path`; resolves to the body as bytes. */
  get(path: string, options: BytesRequestOptions): Promise<Uint8Array>;
  /** GET `path`; resolves to the body as text. */
  get(path: string, options: TextRequestOptions): Promise<string>;
  /** GET `path`; resolves to the parsed body. */
  get<T = unknown>(path: string, options?: RequestOptions): Promise<T>;
  /** POST `path`; resolves to the parsed body. Not retried without an idempotency key. */
  post<S extends StandardSchemaV1>(path: string, options: SchemaRequestOptions<S>): Promise<InferSchemaOutput<S>>;
  /** POST `path`; resolves to the body as bytes. */
  post(path: string, options: BytesRequestOptions): Promise<Uint8Array>;
  /** POST `path`; resolves to the body as text. */
  post(path: string, options: TextRequestOptions): Promise<string>;
  /** POST `path`; resolves to the parsed body. Not retried without an idempotency key. */
  post<T = unknown>(path: string, options?: RequestOptions): Promise<T>;
  /** PUT `path`; resolves to the parsed body. */
  put<S extends StandardSchemaV1>(path: string, options: SchemaRequestOptions<S>): Promise<InferSchemaOutput<S>>;
  /** PUT `path`; resolves to the body as bytes. */
  put(path: string, options: BytesRequestOptions): Promise<Uint8Array>;
  /** PUT `path`; resolves to the body as text. */
  put(path: string, options: TextRequestOptions): Promise<string>;
  /** PUT `path`; resolves to the parsed body. */
  put<T = unknown>(path: string, options?: RequestOptions): Promise<T>;
  /** PATCH `path`; resolves to the parsed body. Not retried without an idempotency key. */
  patch<S extends StandardSchemaV1>(path: string, options: SchemaRequestOptions<S>): Promise<InferSchemaOutput<S>>;
  /** PATCH `path`; resolves to the body as bytes. */
  patch(path: string, options: BytesRequestOptions): Promise<Uint8Array>;
  /** PATCH `path`; resolves to the body as text. */
  patch(path: string, options: TextRequestOptions): Promise<string>;
  /** PATCH `path`; resolves to the parsed body. Not retried without an idempotency key. */
  patch<T = unknown>(path: string, options?: RequestOptions): Promise<T>;
  /** DELETE `path`; resolves to the parsed body. */
  delete<S extends StandardSchemaV1>(path: string, options: SchemaRequestOptions<S>): Promise<InferSchemaOutput<S>>;
  /** DELETE `path`; resolves to the body as bytes. */
  delete(path: string, options: BytesRequestOptions): Promise<Uint8Array>;
  /** DELETE `path`; resolves to the body as text. */
  delete(path: string, options: TextRequestOptions): Promise<string>;
  /** DELETE `path`; resolves to the parsed body. */
  delete<T = unknown>(path: string, options?: RequestOptions): Promise<T>;
  /** HEAD `path`; resolves to status and headers. */
  head(path: string, options?: RequestOptions): Promise<ClientResponse<undefined>>;
  /** Any method; resolves to status, headers and the body as the schema's output. Same policies, same errors. */
  request<S extends StandardSchemaV1>(method: string, path: string, options: SchemaRequestOptions<S>): Promise<ClientResponse<InferSchemaOutput<S>>>;
  /** Any method; resolves to status, headers and the body as bytes. */
  request(method: string, path: string, options: BytesRequestOptions): Promise<ClientResponse<Uint8Array>>;
  /** Any method; resolves to status, headers and the body as text. */
  request(method: string, path: string, options: TextRequestOptions): Promise<ClientResponse<string>>;
  /** Any method; resolves to status, headers and parsed body. Same policies, same errors. */
  request<T = unknown>(method: string, path: string, options?: RequestOptions): Promise<ClientResponse<T>>;
  /**
   * Any method, for large or binary bodies read as they arrive: every policy applies until the headers of a
   * 2xx answer (retries, breaker, budget, bulkhead, deadlines); then the body is the caller's stream, bounded
   * by `timeout.idle` between chunks and by the total timeout and the request context's deadline as a whole.
   * The bulkhead slot is held until the body ends, fails or is cancelled.
   * @example
   * ```ts
   * const { body } = await storage.stream('GET', 'exports/{id}', { params: { id }, timeout: { total: 600_000 } });
   * await pipeline(Readable.fromWeb(body), createWriteStream('/tmp/export.csv'));
   * ```
   */
  stream(method: string, path: string, options?: RequestOptions): Promise<StreamResponse>;
  /** The upstream's name in logs and errors. */
  readonly name: string;
  /** The circuit breaker's state (`closed` when the breaker is disabled). */
  readonly circuitState: CircuitStateName;
  /** The breaker's state, serialisable, for `circuitBreaker.initialState` in a new process. */
  circuitSnapshot(): unknown;
}
