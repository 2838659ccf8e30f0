import {
  AppError,
  NotFoundError,
  REDACTED,
  UpstreamAbortedError,
  UpstreamBadRequestError,
  UpstreamCircuitOpenError,
  UpstreamConcurrencyLimitError,
  UpstreamConflictError,
  UpstreamCredentialsError,
  UpstreamError,
  UpstreamForbiddenError,
  UpstreamHttpError,
  UpstreamInvalidResponseError,
  UpstreamNetworkError,
  UpstreamNotFoundError,
  UpstreamRateLimitedError,
  UpstreamServerError,
  UpstreamTimeoutError,
  UpstreamUnauthorizedError,
  UpstreamUnavailableError,
  UpstreamValidationError,
  isAppError,
  isUpstreamError,
} from 'resilient-http';
import type { UpstreamErrorInit, UpstreamHttpErrorInit, UpstreamTimeoutErrorInit } from 'resilient-http';
import { describe, expect, it } from 'vitest';

type UpstreamClass = new (init: UpstreamErrorInit) => UpstreamError;
/** The fields the table's rows build their errors from (each class reads its own). */
type AnyInit = UpstreamHttpErrorInit & UpstreamTimeoutErrorInit;

// Secrets planted in the URL, the body excerpt and the cause; none may survive.
const SECRETS = ['pa55w0rd', 'tok-SECRET-1', 'sig-SECRET-2', 'key-SECRET-3', 'at-SECRET-4', 'hunter2', 'cause-SECRET-5'];
const RAW_URL = 'https://alice:pa55w0rd@billing.test/api/invoices/7?page=2&token=tok-SECRET-1&sig=sig-SECRET-2&api_key=key-SECRET-3';
const SAFE_URL = `https://billing.test/api/invoices/7?page=2&token=${REDACTED}&sig=${REDACTED}&api_key=${REDACTED}`;
const RAW_BODY = '{"access_token":"at-SECRET-4","invoice":7} password=hunter2';
const SAFE_BODY = `{"access_token":"${REDACTED}","invoice":7} password=${REDACTED}`;
const CAUSE_MESSAGE = 'upstream said secret=cause-SECRET-5 at https://bob:pa55w0rd@billing.test/?token=tok-SECRET-1';

const BASE = { service: 'billing', method: 'get', url: RAW_URL, requestId: 'req-7', attempts: 3, durationMs: 41.6 };

interface Row {
  Class: UpstreamClass;
  code: string;
  statusCode: number;
  retryable: boolean;
  /** Every class of the table the error is an instance of, itself included. */
  ancestors: UpstreamClass[];
  init: Partial<AnyInit>;
  /** What happened, as the message says it. */
  happened: string;
  publicMessage: string;
}

const http = (status: number, statusText: string): Partial<AnyInit> => ({
  upstreamStatus: status,
  upstreamStatusText: statusText,
});
const HTTP = [UpstreamHttpError, UpstreamError];
const SERVER = [UpstreamServerError, ...HTTP];
const FAILED = 'The upstream service "billing" failed';

const ROWS: Row[] = [
  { Class: UpstreamError, code: 'UPSTREAM_ERROR', statusCode: 502, retryable: false, ancestors: [UpstreamError], init: {}, happened: 'failed', publicMessage: FAILED },
  { Class: UpstreamHttpError, code: 'UPSTREAM_HTTP_ERROR', statusCode: 502, retryable: false, ancestors: HTTP, init: http(418, "I'm a Teapot"), happened: "answered 418 I'm a Teapot", publicMessage: FAILED },
  { Class: UpstreamBadRequestError, code: 'UPSTREAM_BAD_REQUEST', statusCode: 502, retryable: false, ancestors: [UpstreamBadRequestError, ...HTTP], init: http(400, 'Bad Request'), happened: 'answered 400 Bad Request', publicMessage: FAILED },
  { Class: UpstreamUnauthorizedError, code: 'UPSTREAM_UNAUTHORIZED', statusCode: 502, retryable: false, ancestors: [UpstreamUnauthorizedError, ...HTTP], init: http(401, 'Unauthorized'), happened: 'answered 401 Unauthorized', publicMessage: FAILED },
  { Class: UpstreamForbiddenError, code: 'UPSTREAM_FORBIDDEN', statusCode: 502, retryable: false, ancestors: [UpstreamForbiddenError, ...HTTP], init: http(403, 'Forbidden'), happened: 'answered 403 Forbidden', publicMessage: FAILED },
  { Class: UpstreamNotFoundError, code: 'UPSTREAM_NOT_FOUND', statusCode: 502, retryable: false, ancestors: [UpstreamNotFoundError, ...HTTP], init: http(404, 'Not Found'), happened: 'answered 404 Not Found', publicMessage: FAILED },
  { Class: UpstreamConflictError, code: 'UPSTREAM_CONFLICT', statusCode: 502, retryable: false, ancestors: [UpstreamConflictError, ...HTTP], init: http(409, 'Conflict'), happened: 'answered 409 Conflict', publicMessage: FAILED },
  { Class: UpstreamValidationError, code: 'UPSTREAM_VALIDATION_FAILED', statusCode: 502, retryable: false, ancestors: [UpstreamValidationError, ...HTTP], init: { ...http(422, 'Unprocessable Entity'), problem: { title: 'Invalid invoice', detail: 'amount must be positive' } }, happened: 'answered 422 Unprocessable Entity: Invalid invoice (amount must be positive)', publicMessage: FAILED },
  { Class: UpstreamRateLimitedError, code: 'UPSTREAM_RATE_LIMITED', statusCode: 503, retryable: true, ancestors: [UpstreamRateLimitedError, ...HTTP], init: { ...http(429, 'Too Many Requests'), retryAfterMs: 2000 }, happened: 'answered 429 Too Many Requests', publicMessage: FAILED },
  { Class: UpstreamServerError, code: 'UPSTREAM_SERVER_ERROR', statusCode: 502, retryable: true, ancestors: SERVER, init: http(500, 'Internal Server Error'), happened: 'answered 500 Internal Server Error', publicMessage: FAILED },
  { Class: UpstreamUnavailableError, code: 'UPSTREAM_UNAVAILABLE', statusCode: 503, retryable: true, ancestors: [UpstreamUnavailableError, ...SERVER], init: { ...http(503, 'Service Unavailable'), retryAfterMs: 1000 }, happened: 'answered 503 Service Unavailable', publicMessage: FAILED },
  { Class: UpstreamTimeoutError, code: 'UPSTREAM_TIMEOUT', statusCode: 504, retryable: true, ancestors: [UpstreamTimeoutError, UpstreamError], init: { timeoutKind: 'attempt', timeoutMs: 50 }, happened: 'did not answer within 50 ms (attempt timeout)', publicMessage: 'The upstream service "billing" did not answer in time' },
  { Class: UpstreamNetworkError, code: 'UPSTREAM_NETWORK_ERROR', statusCode: 502, retryable: true, ancestors: [UpstreamNetworkError, UpstreamError], init: { systemCode: 'ECONNREFUSED', cause: Object.assign(new Error(CAUSE_MESSAGE), { code: 'ECONNREFUSED' }) }, happened: 'refused the connection at billing.test:443 (ECONNREFUSED)', publicMessage: 'The upstream service "billing" could not be reached' },
  { Class: UpstreamCircuitOpenError, code: 'UPSTREAM_CIRCUIT_OPEN', statusCode: 503, retryable: true, ancestors: [UpstreamCircuitOpenError, UpstreamError], init: {}, happened: 'was not called: its circuit breaker is open after repeated failures', publicMessage: 'The upstream service "billing" is unavailable' },
  { Class: UpstreamConcurrencyLimitError, code: 'UPSTREAM_CONCURRENCY_LIMIT', statusCode: 503, retryable: true, ancestors: [UpstreamConcurrencyLimitError, UpstreamError], init: {}, happened: 'was not called: the concurrency limit and its queue are full', publicMessage: 'The upstream service "billing" is overloaded' },
  { Class: UpstreamInvalidResponseError, code: 'UPSTREAM_INVALID_RESPONSE', statusCode: 502, retryable: false, ancestors: [UpstreamInvalidResponseError, UpstreamError], init: { upstreamStatus: 200 }, happened: 'answered 200 with a body that is not valid JSON', publicMessage: FAILED },
  { Class: UpstreamCredentialsError, code: 'UPSTREAM_CREDENTIALS_FAILED', statusCode: 502, retryable: false, ancestors: [UpstreamCredentialsError, UpstreamError], init: {}, happened: 'was not called: getting its credentials failed: upstream said secret=[REDACTED] at https://billing.test/?token=[REDACTED]', publicMessage: FAILED },
  { Class: UpstreamAbortedError, code: 'UPSTREAM_ABORTED', statusCode: 499, retryable: false, ancestors: [UpstreamAbortedError, UpstreamError], init: {}, happened: 'call was cancelled by the caller', publicMessage: FAILED },
];

function build(row: Row): UpstreamError {
  return new row.Class({ ...BASE, responseBody: RAW_BODY, cause: new Error(CAUSE_MESSAGE), ...row.init });
}

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe.each(ROWS)('$Class.name', (row) => {
  const error = build(row);

  it('has its code, statusCode, default retryability and its class name as name', () => {
    expect(error.code).toBe(row.code);
    expect(error.statusCode).toBe(row.statusCode);
    expect(error.retryable).toBe(row.retryable);
    expect(error.name).toBe(row.Class.name);
    expect(error.stack).toMatch(new RegExp(`^${row.Class.name}: Upstream "billing"`));
  });

  it('is an instance of exactly its ancestors, and an AppError and Error', () => {
    for (const other of ROWS) expect(error instanceof other.Class, other.Class.name).toBe(row.ancestors.includes(other.Class));
    expect(error).toBeInstanceOf(AppError);
    expect(error).toBeInstanceOf(Error);
    expect(isUpstreamError(error)).toBe(true);
    expect(isAppError(error)).toBe(true);
  });

  it('carries the call facts, with the URL and body excerpt redacted', () => {
    expect(error).toMatchObject({
      service: 'billing',
      method: 'GET',
      url: SAFE_URL,
      requestId: 'req-7',
      attempts: 3,
      durationMs: 42,
      responseBody: SAFE_BODY,
      upstreamStatus: row.init.upstreamStatus,
      problem: row.init.problem,
      retryAfterMs: row.init.retryAfterMs,
      systemCode: row.init.systemCode,
    });
    expect(error.cause).toBeInstanceOf(Error);
  });

  it('says which service, what happened, the tally, the request ID, and METHOD URL', () => {
    const expected = `Upstream "billing" ${row.happened} (3 attempts in 42 ms) [request req-7]: GET ${SAFE_URL}`;
    expect(error.message).toMatch(new RegExp(`^${escape(expected)}$`));
    expect(error.publicMessage).toBe(row.publicMessage);
    expect(error.publicMessage).not.toContain('billing.test');
  });

  it('serialises every field through toJSON, without the stack, with the cause reduced', () => {
    const json = error.toJSON();
    const cause = error.cause as Error & { code?: string };
    expect(json).toEqual({
      name: row.Class.name,
      code: row.code,
      statusCode: row.statusCode,
      message: error.message,
      service: 'billing',
      method: 'GET',
      url: SAFE_URL,
      requestId: 'req-7',
      attempts: 3,
      durationMs: 42,
      retryable: row.retryable,
      upstreamStatus: row.init.upstreamStatus,
      responseBody: SAFE_BODY,
      problem: row.init.problem,
      retryAfterMs: row.init.retryAfterMs,
      systemCode: row.init.systemCode,
      timeoutKind: row.init.timeoutKind,
      timeoutMs: row.init.timeoutMs,
      cause: { name: 'Error', message: expect.any(String), ...(cause.code === undefined ? {} : { code: cause.code }) },
    });
    expect(Object.keys(json)).not.toContain('stack');
    expect(JSON.stringify(error)).toBe(JSON.stringify(json));
    expect(JSON.stringify(error)).not.toMatch(/\n\s+at /);
  });

  it('lets no planted secret reach the message, toJSON() or JSON.stringify()', () => {
    const outputs = { message: error.message, toJSON: JSON.stringify(error.toJSON()), stringify: JSON.stringify(error) };
    for (const [where, text] of Object.entries(outputs)) {
      for (const secret of SECRETS) expect(text, `${secret} in ${where}`).not.toContain(secret);
      expect(text, `user-info in ${where}`).not.toContain('alice');
    }
  });
});

describe('UpstreamError messages and fields', () => {
  it('says "no request sent" when no attempt was made', () => {
    const error = new UpstreamCircuitOpenError({ service: 'billing', method: 'POST', url: 'https://billing.test/pay', attempts: 0 });
    expect(error.message).toBe(
      'Upstream "billing" was not called: its circuit breaker is open after repeated failures (no request sent): POST https://billing.test/pay',
    );
  });

  it('mentions a spent retry budget and flags it in toJSON', () => {
    const error = new UpstreamUnavailableError({ ...BASE, upstreamStatus: 503, budgetExhausted: true });
    expect(error.message).toContain('(3 attempts in 42 ms, retry budget exhausted)');
    expect(error.budgetExhausted).toBe(true);
    expect(error.toJSON()).toMatchObject({ budgetExhausted: true });
  });

  it('defaults to one attempt, zero duration and no request ID', () => {
    const error = new UpstreamServerError({ service: 'billing', method: 'get', url: 'https://billing.test/x', upstreamStatus: 500 });
    expect(error.attempts).toBe(1);
    expect(error.durationMs).toBe(0);
    expect(error.requestId).toBeUndefined();
    expect(error.message).toBe('Upstream "billing" answered 500 (1 attempt in 0 ms): GET https://billing.test/x');
  });

  it('lets the caller override retryable and the description, redacting the description', () => {
    const error = new UpstreamHttpError({ ...BASE, retryable: true, detail: 'rejected key=key-SECRET-3' });
    expect(error.retryable).toBe(true);
    expect(error.message).toMatch(/^Upstream "billing" rejected key=\[REDACTED\] \(/);
  });

  it('describes an unknown network failure with the innermost cause, redacted', () => {
    const inner = new Error('getaddrinfo failed for https://u:pa55w0rd@billing.test/?token=tok-SECRET-1');
    const error = new UpstreamNetworkError({ ...BASE, cause: new TypeError('fetch failed', { cause: inner }) });
    expect(error.message).toContain('could not be reached at billing.test:443: getaddrinfo failed for https://billing.test/?token=');
    for (const secret of SECRETS) expect(error.message).not.toContain(secret);
  });

  it('reduces a non-Error cause to its redacted message', () => {
    const error = new UpstreamError({ ...BASE, cause: 'password=hunter2' });
    expect(error.toJSON().cause).toEqual({ message: `password=${REDACTED}` });
  });

  it('keeps no secret of problem details passed in directly', () => {
    const error = new UpstreamForbiddenError({
      ...BASE,
      upstreamStatus: 403,
      problem: { title: 'Denied', detail: 'token tok-SECRET-1 revoked, password=hunter2', access_token: 'at-SECRET-4' },
    });
    const json = JSON.stringify(error);
    for (const secret of ['at-SECRET-4', 'hunter2']) {
      expect(json).not.toContain(secret);
      expect(error.message).not.toContain(secret);
    }
    expect(error.problem?.title).toBe('Denied');
  });

  it('redacts a credentials failure\'s cause before the message cuts it to 200 characters', () => {
    const cause = new Error(`${'c'.repeat(190)} Bearer abcdefgh-SECRET`);
    const error = new UpstreamCredentialsError({ ...BASE, cause });
    expect(error.message).toContain(`${'c'.repeat(190)} Bearer [R`);
    expect(error.message).not.toMatch(/Bearer ab/);
  });

  it('redacts a problem before the message quotes it, so a token across its 200-character cut is not half kept', () => {
    // Cut first, "Bearer ab" would be too short a token to recognise, and "ab" would reach the message.
    const detail = `${'d'.repeat(190)} Bearer abcdefgh-SECRET`;
    const error = new UpstreamValidationError({ ...BASE, upstreamStatus: 422, problem: { title: 'Invalid', detail } });
    expect(error.message).toContain(`Invalid (${'d'.repeat(190)} Bearer [R)`);
    expect(error.message).not.toMatch(/Bearer ab/);
    expect(JSON.stringify(error)).not.toContain('abcdefgh');
  });
});

describe('isUpstreamError', () => {
  it('is false for application errors, plain errors and non-errors', () => {
    expect(isUpstreamError(new NotFoundError('User', '42'))).toBe(false);
    expect(isUpstreamError(new AppError('x', { code: 'UPSTREAM_ERROR', statusCode: 502 }))).toBe(false);
    expect(isUpstreamError(new Error('Upstream "billing" failed'))).toBe(false);
    expect(isUpstreamError({ name: 'UpstreamError', code: 'UPSTREAM_ERROR' })).toBe(false);
    expect(isUpstreamError(null)).toBe(false);
    expect(isUpstreamError('UpstreamError')).toBe(false);
  });

  it('recognises an upstream error from another copy of the package by its global brand', () => {
    const foreign = Object.defineProperty(new Error('x'), Symbol.for('resilient-http.UpstreamError'), { value: true });
    expect(foreign).not.toBeInstanceOf(UpstreamError);
    expect(isUpstreamError(foreign)).toBe(true);
  });
});
