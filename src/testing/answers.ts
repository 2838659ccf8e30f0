import { HttpResponse, delay as mswDelay } from 'msw';

/**
 * One scripted answer of a mocked upstream:
 * - a number: that status, with a small JSON body (`{ "status": 503 }`);
 * - `'network-error'`: the connection fails (`HttpResponse.error()`: fetch rejects with a `TypeError`);
 * - an object: status, JSON or text body, headers and an optional delay;
 * - a function: builds the response from the request.
 *
 * @example
 * ```ts
 * server.use(billing.sequence('get', 'invoices/:id', [
 *   503,
 *   'network-error',
 *   { status: 200, json: { id: '7' }, headers: { etag: '"v1"' }, delay: 5 },
 *   (request) => Response.json({ echoed: request.headers.get('x-request-id') }),
 * ]));
 * ```
 */
export type Answer =
  | number
  | 'network-error'
  | AnswerInit
  | ((request: Request) => Response | Promise<Response>);

/**
 * A scripted answer described by its parts.
 *
 * @example
 * ```ts
 * const answer: AnswerInit = { status: 201, json: { id: '7' }, headers: { location: '/invoices/7' } };
 * server.use(billing.always('post', 'invoices', answer));
 * ```
 */
export interface AnswerInit {
  /**
   * HTTP status.
   * @default 200
   */
  status?: number;
  /** A JSON body (sets `content-type: application/json`). */
  json?: unknown;
  /** A text body, sent as is (with `content-type: text/plain` unless `headers` says otherwise). */
  text?: string;
  /** Response headers. */
  headers?: Record<string, string>;
  /** Wait before answering, in ms, or `'infinite'` to never answer. */
  delay?: number | 'infinite';
}

/**
 * Turns a scripted {@link Answer} into an msw response; for your own msw
 * resolvers.
 *
 * @example
 * ```ts
 * server.use(http.get('https://billing.test/invoices', ({ request }) => respond(503, request)));
 * ```
 */
export async function respond(answer: Answer, request: Request): Promise<Response> {
  if (typeof answer === 'function') return answer(request);
  if (answer === 'network-error') return HttpResponse.error();
  if (typeof answer === 'number') return HttpResponse.json({ status: answer }, { status: answer });
  if (answer.delay !== undefined) await waitFor(answer.delay);
  const init = { status: answer.status ?? 200, ...(answer.headers === undefined ? {} : { headers: answer.headers }) };
  if (answer.json !== undefined) return HttpResponse.json(answer.json, init);
  if (answer.text !== undefined) return HttpResponse.text(answer.text, init);
  return new HttpResponse(null, init);
}

/**
 * Waits `ms` milliseconds, or forever with `'infinite'` (msw's `delay`).
 *
 * @example
 * ```ts
 * server.use(http.get('https://billing.test/slow', async () => {
 *   await waitFor(50);
 *   return Response.json({ ok: true });
 * }));
 * ```
 */
export async function waitFor(ms: number | 'infinite'): Promise<void> {
  await mswDelay(ms);
}
