import { http } from 'msw';
import type { HttpHandler } from 'msw';

import { respond, seededRandom } from './answers.js';
import type { Answer } from './answers.js';

/** HTTP methods a mocked route answers. `all` matches any. */
export type MockMethod = 'get' | 'post' | 'put' | 'patch' | 'delete' | 'head' | 'options' | 'all';

/** A request a mocked upstream received. */
export interface RecordedCall {
  /** Upper-case method. */
  method: string;
  /** The full URL. */
  url: string;
  /** The path (with the base URL's path), without query. */
  path: string;
  /** Request headers, lower-case names. */
  headers: Record<string, string>;
  /** The body as text, when there was one. */
  body: string | undefined;
  /** `Date.now()` when it arrived. */
  time: number;
}

/** Options of {@link MockUpstream.flaky}. */
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

/** Options of {@link MockUpstream.retryAfter}. */
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

/** Problem details to send as `application/problem+json`. */
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
 * recorded in {@link MockUpstream.calls}.
 */
export interface MockUpstream {
  /** The base URL every route is relative to. */
  readonly baseUrl: string;
  /** Every call received, oldest first. */
  readonly calls: readonly RecordedCall[];
  /** The calls received by one route (`method` and path relative to the base URL; `:param` patterns allowed). */
  callsTo(method: MockMethod, path: string): RecordedCall[];
  /** Forgets recorded calls. Call it in `afterEach` (handlers reset with `server.resetHandlers()`). */
  reset(): void;
  /** Answers each call with the next answer; after the last, keeps giving the last. */
  sequence(method: MockMethod, path: string, answers: readonly Answer[]): HttpHandler;
  /** Always answers with this answer (a status, a body, …). */
  always(method: MockMethod, path: string, answer: Answer): HttpHandler;
  /** Always answers with this status. */
  status(method: MockMethod, path: string, status: number): HttpHandler;
  /** Every call fails at the network level. */
  networkError(method: MockMethod, path: string): HttpHandler;
  /** Answers after `ms` (or never, with `'infinite'`), then with `answer`. */
  delay(method: MockMethod, path: string, ms: number | 'infinite', answer?: Answer): HttpHandler;
  /** First answers 429/503 with `Retry-After`, then `then`. */
  retryAfter(method: MockMethod, path: string, options: RetryAfterOptions): HttpHandler;
  /** Answers 200 with `content-type: application/json` and a body that is not JSON. */
  malformedJson(method: MockMethod, path: string): HttpHandler;
  /** Answers RFC 9457 problem details. */
  problem(method: MockMethod, path: string, problem: ProblemInit): HttpHandler;
  /** Fails the first `count` calls with `failure`, then answers `success`. */
  failFirst(method: MockMethod, path: string, count: number, failure?: Answer, success?: Answer): HttpHandler;
  /** Fails a seeded-random share of calls. */
  flaky(method: MockMethod, path: string, options: FlakyOptions): HttpHandler;
}

/**
 * Creates a mocked upstream for failure-mode tests of a service that uses
 * `resilient-http` (or any fetch-based client).
 *
 * @param baseUrl - The upstream's base URL, as passed to `createClient`.
 * @example
 * ```ts
 * const billing = mockUpstream('https://billing.test/');
 * server.use(billing.sequence('get', 'invoices/:id', [503, 503, { json: { id: '7' } }]));
 * await client.get('invoices/7');
 * expect(billing.calls).toHaveLength(3);
 * ```
 */
export function mockUpstream(baseUrl: string): MockUpstream {
  const base = new URL(baseUrl);
  if (!base.pathname.endsWith('/')) base.pathname += '/';
  const calls: RecordedCall[] = [];
  const routeUrl = (path: string): string => new URL(path.replace(/^\//, ''), base).href;

  const route = (method: MockMethod, path: string, answerFor: (index: number, request: Request) => Answer): HttpHandler => {
    let count = 0;
    return http[method](routeUrl(path), async ({ request }) => {
      const index = count++;
      calls.push(await record(request));
      return respond(answerFor(index, request), request);
    });
  };

  return {
    baseUrl: base.href,
    get calls() {
      return calls;
    },
    callsTo(method, path) {
      const pattern = new RegExp(`^${escapeRoute(new URL(routeUrl(path)).pathname)}$`);
      const wanted = method.toUpperCase();
      return calls.filter((call) => (method === 'all' || call.method === wanted) && pattern.test(call.path));
    },
    reset() {
      calls.length = 0;
    },
    sequence(method, path, answers) {
      if (answers.length === 0) throw new TypeError('sequence needs at least one answer');
      return route(method, path, (index) => answers[Math.min(index, answers.length - 1)] as Answer);
    },
    always: (method, path, answer) => route(method, path, () => answer),
    status: (method, path, status) => route(method, path, () => status),
    networkError: (method, path) => route(method, path, () => 'network-error'),
    delay: (method, path, ms, answer = 200) =>
      route(method, path, () => (typeof answer === 'object' && typeof answer !== 'function' ? { ...answer, delay: ms } : { delay: ms, ...(typeof answer === 'number' ? { status: answer, json: { status: answer } } : {}) })),
    retryAfter(method, path, { status = 429, after, then = 200 }) {
      const header = typeof after === 'number' ? String(after) : after.toUTCString();
      return route(method, path, (index) =>
        index === 0 ? { status, json: { status }, headers: { 'retry-after': header } } : then,
      );
    },
    malformedJson: (method, path) =>
      route(method, path, () => ({ status: 200, text: '{"truncated": ', headers: { 'content-type': 'application/json' } })),
    problem: (method, path, problem) =>
      route(method, path, () => () =>
        new Response(JSON.stringify(problem), { status: problem.status, headers: { 'content-type': 'application/problem+json' } }),
      ),
    failFirst: (method, path, count, failure = 503, success = 200) =>
      route(method, path, (index) => (index < count ? failure : success)),
    flaky(method, path, { rate, seed, failure = 503, success = 200 }) {
      if (!(rate >= 0 && rate <= 1)) throw new TypeError(`rate must be between 0 and 1, got ${rate}`);
      const random = seededRandom(seed);
      return route(method, path, () => (random() < rate ? failure : success));
    },
  };
}

async function record(request: Request): Promise<RecordedCall> {
  const url = new URL(request.url);
  const body = request.body === null ? undefined : await request.clone().text();
  return {
    method: request.method,
    url: request.url,
    path: url.pathname,
    headers: Object.fromEntries(request.headers),
    body,
    time: Date.now(),
  };
}

function escapeRoute(pathname: string): string {
  return pathname
    .split('/')
    .map((segment) => (segment.startsWith(':') || segment === '*' ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
}
