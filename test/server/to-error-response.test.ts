import {
  AppError,
  ConflictError,
  NotFoundError,
  UpstreamAbortedError,
  UpstreamCircuitOpenError,
  UpstreamError,
  UpstreamRateLimitedError,
  UpstreamServerError,
  UpstreamTimeoutError,
  UpstreamUnavailableError,
  ValidationError,
  parseRetryAfter,
  toErrorResponse,
  withRequestContext,
} from 'resilient-http';
import { describe, expect, it } from 'vitest';

const GENERIC = { code: 'INTERNAL_ERROR', message: 'An unexpected error occurred' };
const UPSTREAM_CALL = {
  service: 'billing',
  method: 'GET',
  url: 'https://billing.internal:8443/api/invoices/7?page=1',
  requestId: 'req-upstream',
  responseBody: '{"error":"stack trace at InvoiceRepo.find"}',
};

describe('toErrorResponse with application errors', () => {
  it.each<[AppError, number, string, string]>([
    [new NotFoundError('User', '42'), 404, 'NOT_FOUND', "User with id '42' not found"],
    [new ValidationError('email', 'must contain @'), 422, 'VALIDATION_ERROR', "Validation failed for 'email': must contain @"],
    [new ConflictError('User', 'email', 'a@b.c'), 409, 'CONFLICT', "User with email 'a@b.c' already exists"],
    [new AppError('Quota exceeded', { code: 'QUOTA', statusCode: 429 }), 429, 'QUOTA', 'Quota exceeded'],
  ])('answers %s with its own status, code and message', (error, status, code, message) => {
    const response = toErrorResponse(error, { requestId: 'req-1' });
    expect(response).toEqual({
      status,
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: { error: { code, message, requestId: 'req-1' } },
    });
  });

  it('answers 500 with the code when an AppError declares a status that is not an error status', () => {
    const response = toErrorResponse(new AppError('Odd', { code: 'ODD', statusCode: 302 }));
    expect(response.status).toBe(500);
    expect(response.body).toEqual({ error: { code: 'ODD', message: 'Odd' } });
  });

  it('leaves requestId out of the body when none is known', () => {
    const { body } = toErrorResponse(new NotFoundError('User', '42'));
    expect(body).toEqual({ error: { code: 'NOT_FOUND', message: "User with id '42' not found" } });
  });
});

describe('toErrorResponse with upstream errors', () => {
  it.each<[UpstreamError, number, string, string]>([
    [new UpstreamServerError({ ...UPSTREAM_CALL, upstreamStatus: 500 }), 502, 'UPSTREAM_SERVER_ERROR', 'The upstream service "billing" failed'],
    [new UpstreamTimeoutError({ ...UPSTREAM_CALL, timeoutMs: 50 }), 504, 'UPSTREAM_TIMEOUT', 'The upstream service "billing" did not answer in time'],
    [new UpstreamCircuitOpenError(UPSTREAM_CALL), 503, 'UPSTREAM_CIRCUIT_OPEN', 'The upstream service "billing" is unavailable'],
    [new UpstreamAbortedError(UPSTREAM_CALL), 499, 'UPSTREAM_ABORTED', 'The upstream service "billing" failed'],
  ])('answers %s with its status and public message, never the URL or body', (error, status, code, message) => {
    const response = toErrorResponse(error);
    expect(response.status).toBe(status);
    expect(response.body).toEqual({ error: { code, message, requestId: 'req-upstream' } });
    const raw = JSON.stringify(response);
    expect(raw).not.toContain('billing.internal');
    expect(raw).not.toContain('/api/invoices');
    expect(raw).not.toContain('InvoiceRepo');
    expect(error.message).toContain('billing.internal');
  });

  it('takes the request ID from options first, then the error, then the request context', async () => {
    const error = new UpstreamServerError({ ...UPSTREAM_CALL, upstreamStatus: 500 });
    const anonymous = new UpstreamServerError({ ...UPSTREAM_CALL, requestId: undefined, upstreamStatus: 500 });
    const bodyOf = (response: ReturnType<typeof toErrorResponse>): unknown => response.body;
    await withRequestContext({ requestId: 'req-context' }, async () => {
      await Promise.resolve();
      expect(bodyOf(toErrorResponse(error, { requestId: 'req-option' }))).toMatchObject({ error: { requestId: 'req-option' } });
      expect(bodyOf(toErrorResponse(error))).toMatchObject({ error: { requestId: 'req-upstream' } });
      expect(bodyOf(toErrorResponse(anonymous))).toMatchObject({ error: { requestId: 'req-context' } });
      expect(bodyOf(toErrorResponse(new NotFoundError('User', 1)))).toMatchObject({ error: { requestId: 'req-context' } });
      expect(bodyOf(toErrorResponse(new Error('x')))).toMatchObject({ error: { requestId: 'req-context' } });
    });
  });

  it('sends retry-after, in whole seconds rounded up, for a rate-limited or unavailable upstream', () => {
    const limited = new UpstreamRateLimitedError({ ...UPSTREAM_CALL, upstreamStatus: 429, retryAfterMs: 2500 });
    const unavailable = new UpstreamUnavailableError({ ...UPSTREAM_CALL, upstreamStatus: 503, retryAfterMs: 1000 });
    expect(toErrorResponse(limited)).toMatchObject({ status: 503, headers: { 'retry-after': '3' } });
    expect(toErrorResponse(unavailable)).toMatchObject({ status: 503, headers: { 'retry-after': '1' } });
  });

  it('sends no retry-after when the upstream gave none or the answer is not 429/503', () => {
    const silent = new UpstreamUnavailableError({ ...UPSTREAM_CALL, upstreamStatus: 503 });
    const badGateway = new UpstreamServerError({ ...UPSTREAM_CALL, upstreamStatus: 502, retryAfterMs: 1000 });
    expect(toErrorResponse(silent).headers).not.toHaveProperty('retry-after');
    expect(toErrorResponse(badGateway).status).toBe(502);
    expect(toErrorResponse(badGateway).headers).not.toHaveProperty('retry-after');
  });
});

describe('toErrorResponse with unknown errors', () => {
  it.each<[string, unknown]>([
    ['an Error with a secret', new Error('db password=hunter2')],
    ['a TypeError', new TypeError("Cannot read properties of undefined (reading 'hunter2')")],
    ['a string', 'hunter2 leaked'],
    ['null', null],
    ['undefined', undefined],
    ['a number', 42],
    ['a plain object that looks like an AppError, with no integer 4xx/5xx status', { code: 'hunter2', statusCode: '404', status: 200, message: 'hunter2', publicMessage: 'hunter2' }],
    ['an error with a status of 404.5', Object.assign(new Error('hunter2'), { status: 404.5 })],
    ['an error with a status of 302', Object.assign(new Error('hunter2'), { statusCode: 302 })],
  ])('answers %s with the generic 500 and none of its text', (_label, thrown) => {
    const response = toErrorResponse(thrown, { requestId: 'req-2' });
    expect(response.status).toBe(500);
    expect(response.headers).toEqual({ 'content-type': 'application/json; charset=utf-8' });
    expect(response.body).toEqual({ error: { ...GENERIC, requestId: 'req-2' } });
    expect(JSON.stringify(response)).not.toMatch(/hunter2|password|reading/);
  });
});

describe("toErrorResponse with format: 'problem'", () => {
  it('answers RFC 9457 problem details', () => {
    const response = toErrorResponse(new NotFoundError('User', '42'), { format: 'problem', requestId: 'req-3' });
    expect(response).toEqual({
      status: 404,
      headers: { 'content-type': 'application/problem+json; charset=utf-8' },
      body: {
        type: 'about:blank',
        title: 'Not Found',
        status: 404,
        detail: "User with id '42' not found",
        code: 'NOT_FOUND',
        requestId: 'req-3',
      },
    });
  });

  it('builds the type from problemTypeBase and the code in kebab-case', () => {
    const response = toErrorResponse(new UpstreamTimeoutError(UPSTREAM_CALL), {
      format: 'problem',
      problemTypeBase: 'https://errors.example.com/',
    });
    expect(response.body).toEqual({
      type: 'https://errors.example.com/upstream-timeout',
      title: 'Gateway Timeout',
      status: 504,
      detail: 'The upstream service "billing" did not answer in time',
      code: 'UPSTREAM_TIMEOUT',
      requestId: 'req-upstream',
    });
  });

  it('answers an unknown error with the generic problem and keeps the retry-after of an upstream', () => {
    expect(toErrorResponse(new Error('db password=hunter2'), { format: 'problem' }).body).toEqual({
      type: 'about:blank',
      title: 'Internal Server Error',
      status: 500,
      detail: 'An unexpected error occurred',
      code: 'INTERNAL_ERROR',
    });
    const limited = new UpstreamRateLimitedError({ ...UPSTREAM_CALL, upstreamStatus: 429, retryAfterMs: 4000 });
    expect(toErrorResponse(limited, { format: 'problem' }).headers).toEqual({
      'retry-after': '4',
      'content-type': 'application/problem+json; charset=utf-8',
    });
  });

  it("titles any other status by its reason phrase, or 'Error' when it has none", () => {
    const payment = toErrorResponse(new AppError('Card declined', { code: 'PAY', statusCode: 402 }), { format: 'problem' });
    expect(payment.body).toMatchObject({ status: 402, title: 'Payment Required', detail: 'Card declined' });
    const odd = toErrorResponse(new AppError('Odd', { code: 'ODD', statusCode: 599 }), { format: 'problem' });
    expect(odd.body).toMatchObject({ status: 599, title: 'Error' });
  });
});

describe('regression (issue 12): absurd Retry-After values escape as invalid numbers', () => {
  it.each([
    ['a 23-digit value', parseRetryAfter('1'.repeat(23), Date.now())],
    ['a 400-digit value', parseRetryAfter('9'.repeat(400), Date.now())],
    ['a date in the year 9999', parseRetryAfter('Fri, 31 Dec 9999 23:59:59 GMT', Date.now())],
  ])('writes retry-after as integer delay-seconds for %s, and keeps retryAfterMs finite', (_title, retryAfterMs) => {
    const error = new UpstreamUnavailableError({ ...UPSTREAM_CALL, upstreamStatus: 503, retryAfterMs });
    expect(error.retryAfterMs).toBe(2_147_483_647);
    const { headers } = toErrorResponse(error);
    expect(headers['retry-after']).toMatch(/^\d+$/);
    expect(headers['retry-after']).toBe('2147484');
    expect(JSON.stringify(error.toJSON())).toContain('"retryAfterMs":2147483647');
  });

  it.each([Number.POSITIVE_INFINITY, Number.NaN, -5_000])('sends no retry-after and keeps no retryAfterMs for %s given by hand', (retryAfterMs) => {
    const error = new UpstreamUnavailableError({ ...UPSTREAM_CALL, upstreamStatus: 503, retryAfterMs });
    expect(error.retryAfterMs).toBe(retryAfterMs < 0 ? 0 : undefined);
    expect(toErrorResponse(error).headers['retry-after']).toBe(retryAfterMs < 0 ? '0' : undefined);
  });
});
