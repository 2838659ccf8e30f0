import type { IncomingMessage, ServerResponse } from 'node:http';

import { CHANNELS, UpstreamError, createClient, errorHandler, toErrorResponse, withRequestContext } from 'resilient-http';
import type { ClientOptions } from 'resilient-http';
import { mockUpstream } from 'resilient-http/testing';
import type { Answer } from 'resilient-http/testing';
import { afterEach, describe, expect, it } from 'vitest';

import { server, useMsw } from '../../mocks/server.js';
import { collectEvents } from '../support/channel-events.js';
import { capturePino } from '../support/pino-capture.js';
import { rejectionOf } from '../support/rejection.js';

useMsw();
const billing = mockUpstream('https://billing.test/');
const SECRET = 's3cr3t';
const BASE = `https://user:${SECRET}-pass@billing.test/`;
const PATH = `invoices/7?token=${SECRET}-q&sig=${SECRET}-sig&code=${SECRET}-code`;
const BASIC = `Basic ${Buffer.from(`user:${SECRET}-pass`).toString('base64')}`;
const SECRET_BODY = { access_token: `${SECRET}-body` };
const SECRET_COOKIE = { 'set-cookie': `session=${SECRET}-cookie; HttpOnly` };

const clientLogs = capturePino();
const contextLogs = capturePino();
const published = collectEvents(Object.values(CHANNELS), (event) => JSON.stringify(event), true);
afterEach(() => {
  billing.reset();
});

function client(extra: ClientOptions = {}) {
  return createClient(BASE, {
    name: 'billing',
    logger: clientLogs.logger,
    headers: { authorization: `Bearer ${SECRET}-header`, 'x-api-key': `${SECRET}-key` },
    retry: { initialDelay: 1, budget: false },
    circuitBreaker: false,
    ...extra,
  });
}

/** Everything an error exposes: message, stack, JSON, the error response, and the errorHandler's log line. */
function errorSurfaces(error: UpstreamError): string[] {
  const handlerLogs = capturePino();
  const req = { method: 'GET', url: `/orders?token=${SECRET}-front` } as unknown as IncomingMessage;
  let sent = '';
  const res = {
    headersSent: false,
    statusCode: 200,
    setHeader: () => undefined,
    end: (body: string) => {
      sent = body;
    },
  } as unknown as ServerResponse;
  errorHandler({ logger: handlerLogs.logger })(error, req, res, () => undefined);
  expect(sent).not.toBe('');
  expect(handlerLogs.raw).toHaveLength(1);
  return [error.message, String(error.stack), JSON.stringify(error), JSON.stringify(toErrorResponse(error)), sent, ...handlerLogs.raw];
}

function expectNoSecret(texts: readonly string[]): void {
  for (const text of texts) {
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain(BASIC.slice(6));
  }
}

const failures: [string, Answer[], string][] = [
  ['503 on every attempt with a secret body', [{ status: 503, json: SECRET_BODY, headers: SECRET_COOKIE }], 'UPSTREAM_UNAVAILABLE'],
  ['401 with a secret JSON body', [{ status: 401, json: SECRET_BODY, headers: SECRET_COOKIE }], 'UPSTREAM_UNAUTHORIZED'],
  ['400 with a secret text body', [{ status: 400, text: `bad token=${SECRET}-text, Bearer ${SECRET}-echoed` }], 'UPSTREAM_BAD_REQUEST'],
  [
    '422 problem details with secret members',
    [() => new Response(JSON.stringify({ status: 422, title: 'Invalid', detail: `password=${SECRET}-detail`, ...SECRET_BODY }), {
      status: 422,
      headers: { 'content-type': 'application/problem+json' },
    })],
    'UPSTREAM_VALIDATION_FAILED',
  ],
  ['200 with a malformed JSON body', [{ status: 200, text: `{"access_token":"${SECRET}-body",`, headers: { 'content-type': 'application/json' } }], 'UPSTREAM_INVALID_RESPONSE'],
  ['a network failure', ['network-error'], 'UPSTREAM_NETWORK_ERROR'],
  // Regression (issue 12, "a secret nested in a secret-named JSON member leaks"): the pin came out in responseBody and the log.
  ['500 with a secret nested in a secret-named member', [{ status: 500, json: { credentials: { user: 'svc', pin: `${SECRET}-pin` } } }], 'UPSTREAM_SERVER_ERROR'],
  [
    '500 with a secret nested in a JSON body cut to size',
    [{ status: 500, text: `{"padding":"${'x'.repeat(70_000)}","credentials":{"pin":"${SECRET}-cut"}}`, headers: { 'content-type': 'application/json' } }],
    'UPSTREAM_SERVER_ERROR',
  ],
];

describe('secrets never leave the SDK', () => {
  it('sends the base URL user-info as a Basic authorization header, and the call headers as given', async () => {
    server.use(billing.always('get', 'invoices/7', { json: {} }));
    await createClient(BASE, { logger: clientLogs.logger }).get(PATH);
    await client().get(PATH);
    expect(billing.calls[0]?.headers.authorization).toBe(BASIC);
    expect(billing.calls[0]?.url).toBe(`https://billing.test/${PATH}`);
    expect(billing.calls[1]?.headers).toMatchObject({ authorization: `Bearer ${SECRET}-header`, 'x-api-key': `${SECRET}-key` });
    expectNoSecret(clientLogs.raw);
  });

  it('keeps secrets out of the lines of a call that succeeds after a retry', async () => {
    server.use(
      billing.sequence('get', 'invoices/7', [
        { status: 503, json: SECRET_BODY, headers: SECRET_COOKIE },
        { json: SECRET_BODY, headers: SECRET_COOKIE },
      ]),
    );
    const logger = contextLogs.logger.child({ requestId: 'req-secret-ok' });
    const data = await withRequestContext({ requestId: 'req-secret-ok', logger }, () => client().get(PATH));
    expect(data).toEqual(SECRET_BODY);
    expect(billing.calls).toHaveLength(2);
    const lines = contextLogs.lines.filter((line) => line.requestId === 'req-secret-ok').map((line) => line.msg);
    expect(lines).toEqual(['upstream_request', 'upstream_retry', 'upstream_response']);
    expectNoSecret([...clientLogs.raw, ...contextLogs.raw, ...published]);
  });

  it.each(failures)('keeps secrets out of logs, events and every form of the error for %s', async (_case, answers, code) => {
    server.use(billing.sequence('get', 'invoices/7', answers));
    const before = clientLogs.raw.length;
    const error = await rejectionOf(client().get(PATH, { headers: { cookie: `sid=${SECRET}-request-cookie` } }));
    expect(error).toBeInstanceOf(UpstreamError);
    expect((error as UpstreamError).code).toBe(code);
    // msw keeps a cookie jar, so earlier set-cookie answers may be appended.
    expect(billing.calls[0]?.headers.cookie).toContain(`sid=${SECRET}-request-cookie`);
    expect(clientLogs.lines.slice(before).map((line) => line.msg)).toContain('upstream_request_failed');
    expect((error as UpstreamError).url).toBe('https://billing.test/invoices/7?token=[REDACTED]&sig=[REDACTED]&code=[REDACTED]');
    expectNoSecret([...errorSurfaces(error as UpstreamError), ...clientLogs.raw, ...published]);
  });

  it('regression (issue 12): keeps a __proto__ member of an upstream problem a plain member, never a prototype', async () => {
    server.use(billing.always('get', 'invoices/7', () => new Response('{"title":"Invalid","__proto__":{"isAdmin":true},"errors":[{"__proto__":{"isAdmin":true}}]}', {
      status: 422,
      headers: { 'content-type': 'application/problem+json' },
    })));
    const error = await rejectionOf(client().get('invoices/7'));
    const problem = (error as UpstreamError).problem as Record<string, unknown>;
    expect(problem.title).toBe('Invalid');
    expect(Object.getPrototypeOf(problem)).toBe(Object.prototype);
    expect(problem.isAdmin).toBeUndefined();
    expect(Object.hasOwn(problem, '__proto__')).toBe(true);
    const [entry] = problem.errors as Record<string, unknown>[];
    expect(entry?.isAdmin).toBeUndefined();
    expect((JSON.parse(JSON.stringify((error as UpstreamError).toJSON())) as { problem: Record<string, unknown> }).problem.title).toBe('Invalid');
  });

  it('keeps secrets out of an attempt timeout', async () => {
    server.use(billing.delay('get', 'invoices/7', 2_000, { json: SECRET_BODY }));
    const error = await rejectionOf(client({ timeout: { attempt: 20 }, retry: false }).get(PATH));
    expect(error).toBeInstanceOf(UpstreamError);
    expect((error as UpstreamError).code).toBe('UPSTREAM_TIMEOUT');
    expectNoSecret([...errorSurfaces(error as UpstreamError), ...clientLogs.raw, ...published]);
  });
});
