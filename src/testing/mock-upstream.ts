import { http } from 'msw';
import type { HttpHandler } from 'msw';

import { respond, waitFor } from './answers.js';
import { seededRandom } from './seeded-random.js';
import type { Answer } from './answers.js';
import type { MockMethod, MockUpstream, RecordedCall } from './types.js';

export type { FlakyOptions, MockMethod, MockUpstream, ProblemInit, RecordedCall, RetryAfterOptions } from './types.js';

/**
 * Creates a mocked upstream for failure-mode tests of a service that uses
 * `resilient-http` (or any fetch-based client): msw handlers scoped to
 * `baseUrl` that fail on purpose, and a record of every request they received.
 * Two mocked upstreams with different base URLs never see each other's calls.
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

  const route = (method: MockMethod, path: string, answerFor: (index: number) => Answer): HttpHandler => {
    let count = 0;
    return http[method](routeUrl(path), async ({ request }) => {
      // The index is taken before any await, so concurrent calls get distinct, ordered indexes.
      const index = count++;
      calls.push(await record(request));
      return respond(answerFor(index), request);
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
      const script = [...answers];
      return route(method, path, (index) => script[Math.min(index, script.length - 1)] as Answer);
    },
    always: (method, path, answer) => route(method, path, () => answer),
    status: (method, path, status) => route(method, path, () => status),
    networkError: (method, path) => route(method, path, () => 'network-error'),
    delay(method, path, ms, answer = 200) {
      if (ms !== 'infinite' && !(Number.isFinite(ms) && ms >= 0)) throw new TypeError(`delay must be a number >= 0 or 'infinite', got ${String(ms)}`);
      return route(method, path, () => async (request) => {
        await waitFor(ms);
        return respond(answer, request);
      });
    },
    retryAfter(method, path, { status = 429, after, then = 200 }) {
      const header = typeof after === 'number' ? String(Math.max(0, Math.round(after))) : after.toUTCString();
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
    failFirst(method, path, count, failure = 503, success = 200) {
      if (!Number.isInteger(count) || count < 0) throw new TypeError(`count must be an integer >= 0, got ${String(count)}`);
      return route(method, path, (index) => (index < count ? failure : success));
    },
    flaky(method, path, { rate, seed, failure = 503, success = 200 }) {
      if (!(rate >= 0 && rate <= 1)) throw new TypeError(`rate must be between 0 and 1, got ${String(rate)}`);
      const random = seededRandom(seed);
      return route(method, path, () => (random() < rate ? failure : success));
    },
  };
}

const JSON_TYPE = /^application\/(?:[\w.-]+\+)?json\b/i;

async function record(request: Request): Promise<RecordedCall> {
  const url = new URL(request.url);
  const body = request.body === null ? undefined : await request.clone().text();
  return {
    method: request.method,
    url: request.url,
    path: url.pathname,
    headers: Object.fromEntries(request.headers),
    body,
    json: body !== undefined && JSON_TYPE.test(request.headers.get('content-type') ?? '') ? parseJson(body) : undefined,
    time: Date.now(),
  };
}

/** `JSON.parse`, or `undefined` for a body that is not JSON. */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** A route's pathname as a regular expression: `:param` and `*` segments match any one segment. */
function escapeRoute(pathname: string): string {
  return pathname
    .split('/')
    .map((segment) => (segment.startsWith(':') || segment === '*' ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
}
