import type { HttpHandler } from 'msw';

import type { Answer } from './answers.js';

/**
 * HTTP methods a mocked route answers. `all` matches any.
 *
 * @example
 * ```ts
 * server.use(billing.status('all', 'invoices/:id', 503));
 * ```
 */
export type MockMethod = 'get' | 'post' | 'put' | 'patch' | 'delete' | 'head' | 'options' | 'all';

/**
 * A request a mocked upstream received: what your client really sent, on
 * every attempt.
 *
 * @example
 * ```ts
 * const [first, second] = billing.calls;
 * expect(second.headers['x-request-id']).toBe(first.headers['x-request-id']);
 * expect(JSON.parse(first.body ?? '')).toEqual({ amount: 42 });
 * ```
 */
export interface RecordedCall {
  /** Upper-case method. */
  method: string;
  /** The full URL, query included. */
  url: string;
  /** The path (with the base URL's path), without query. */
  path: string;
  /** Request headers, lower-case names. */
  headers: Record<string, string>;
  /** The body as text, when there was one. */
  body: string | undefined;
  /**
   * The body parsed as JSON, when the request said it sends JSON
   * (`content-type` `application/json` or `…+json`) and the body parses;
   * `undefined` otherwise. Assert on it with `toEqual({ … })`; `body` keeps
   * the exact text.
   */
  json: unknown;
  /** `Date.now()` when it arrived. */
  time: number;
}

/**
 * Options of {@link MockUpstream.flaky}.
 *
 * @example
 * ```ts
 * server.use(billing.flaky('get', 'invoices/:id', { rate: 0.3, seed: 42, failure: 'network-error' }));
 * ```
 */
export interface FlakyOptions {
  /** Share of calls that fail, 0 to 1. */
  rate: number;
  /** Seed of the pseudo-random sequence: the same seed fails the same calls. */
  seed: number;
  /**
   * The failing answer.
   * @default 503
   */
  failure?: Answer;
  /**
   * The succeeding answer.
   * @default 200
   */
  success?: Answer;
}

/**
 * Options of {@link MockUpstream.retryAfter}.
 *
 * @example
 * ```ts
 * server.use(billing.retryAfter('get', 'invoices', { status: 503, after: 2, then: { json: [] } }));
 * server.use(billing.retryAfter('get', 'quota', { after: new Date(Date.now() + 60_000) }));
 * ```
 */
export interface RetryAfterOptions {
  /**
   * 429 or 503.
   * @default 429
   */
  status?: 429 | 503;
  /** Seconds to wait, or the date to wait until (sent as an HTTP date). */
  after: number | Date;
  /**
   * What the route answers once the first answer was given.
   * @default 200
   */
  then?: Answer;
}

/**
 * Problem details to send as `application/problem+json` (RFC 9457).
 *
 * @example
 * ```ts
 * server.use(billing.problem('post', 'payments', { status: 422, title: 'Card declined', detail: 'Insufficient funds', balance: 3 }));
 * ```
 */
export interface ProblemInit {
  /** HTTP status. */
  status: number;
  /** Short summary. */
  title?: string;
  /** Explanation of this occurrence. */
  detail?: string;
  /** Problem type URI. */
  type?: string;
  /** Extension members. */
  [extension: string]: unknown;
}

/**
 * A mocked upstream, scoped to one base URL: each method returns a plain msw
 * handler for `server.use(...)`, and every request any of them receives is
 * recorded in {@link MockUpstream.calls}. Paths are relative to the base URL
 * and may hold msw patterns (`invoices/:id`, `*`).
 *
 * @example
 * ```ts
 * const billing = mockUpstream('https://billing.test/api/');
 * server.use(billing.failFirst('get', 'invoices/:id', 2, 503, { json: { id: '7' } }));
 * await client.get('invoices/7');
 * expect(billing.callsTo('get', 'invoices/:id')).toHaveLength(3);
 * ```
 */
export interface MockUpstream {
  /** The base URL every route is relative to (with a trailing `/`). */
  readonly baseUrl: string;
  /** Every call received by this upstream's handlers, oldest first. */
  readonly calls: readonly RecordedCall[];
  /** The calls received by one route (`method` and path relative to the base URL; `:param` and `*` patterns allowed). */
  callsTo(method: MockMethod, path: string): RecordedCall[];
  /** Forgets recorded calls. Call it in `afterEach` (handlers reset with `server.resetHandlers()`). */
  reset(): void;
  /** Answers each call with the next answer; after the last, keeps giving the last. */
  sequence(method: MockMethod, path: string, answers: readonly Answer[]): HttpHandler;
  /** Always answers with this answer (a status, a body, `'network-error'`, a function…). */
  always(method: MockMethod, path: string, answer: Answer): HttpHandler;
  /** Always answers with this status (and a small JSON body `{ "status": … }`). */
  status(method: MockMethod, path: string, status: number): HttpHandler;
  /** Every call fails at the network level (fetch rejects with a `TypeError`). */
  networkError(method: MockMethod, path: string): HttpHandler;
  /** Answers after `ms` (or never, with `'infinite'`: only the client's timeout or abort ends the call), then with `answer` (default 200). */
  delay(method: MockMethod, path: string, ms: number | 'infinite', answer?: Answer): HttpHandler;
  /** First answers 429/503 with `Retry-After`, then `then`. */
  retryAfter(method: MockMethod, path: string, options: RetryAfterOptions): HttpHandler;
  /** Answers 200 with `content-type: application/json` and a body that is not JSON. */
  malformedJson(method: MockMethod, path: string): HttpHandler;
  /** Answers RFC 9457 problem details as `application/problem+json`. */
  problem(method: MockMethod, path: string, problem: ProblemInit): HttpHandler;
  /** Fails the first `count` calls with `failure` (default 503), then answers `success` (default 200). */
  failFirst(method: MockMethod, path: string, count: number, failure?: Answer, success?: Answer): HttpHandler;
  /** Fails a seeded pseudo-random share of calls: the same seed fails the same call indexes. */
  flaky(method: MockMethod, path: string, options: FlakyOptions): HttpHandler;
}
