import { STATUS_CODES } from 'node:http';

import {
  REDACTED,
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
  isProblemContentType,
  parseProblemDetails,
  upstreamErrorClassForStatus,
  upstreamErrorFromStatus,
} from 'resilient-http';
import type { UpstreamHttpErrorClass } from 'resilient-http';
import { describe, expect, it } from 'vitest';

const CALL = { service: 'billing', method: 'GET', url: 'https://billing.test/api/invoices/7', requestId: 'req-9' };

describe('upstreamErrorClassForStatus and upstreamErrorFromStatus', () => {
  it.each<[number, UpstreamHttpErrorClass, string]>([
    [400, UpstreamBadRequestError, 'UPSTREAM_BAD_REQUEST'],
    [401, UpstreamUnauthorizedError, 'UPSTREAM_UNAUTHORIZED'],
    [403, UpstreamForbiddenError, 'UPSTREAM_FORBIDDEN'],
    [404, UpstreamNotFoundError, 'UPSTREAM_NOT_FOUND'],
    [409, UpstreamConflictError, 'UPSTREAM_CONFLICT'],
    [422, UpstreamValidationError, 'UPSTREAM_VALIDATION_FAILED'],
    [429, UpstreamRateLimitedError, 'UPSTREAM_RATE_LIMITED'],
    [503, UpstreamUnavailableError, 'UPSTREAM_UNAVAILABLE'],
    [500, UpstreamServerError, 'UPSTREAM_SERVER_ERROR'],
    [502, UpstreamServerError, 'UPSTREAM_SERVER_ERROR'],
    [504, UpstreamServerError, 'UPSTREAM_SERVER_ERROR'],
    [599, UpstreamServerError, 'UPSTREAM_SERVER_ERROR'],
    [402, UpstreamHttpError, 'UPSTREAM_HTTP_ERROR'],
    [405, UpstreamHttpError, 'UPSTREAM_HTTP_ERROR'],
    [410, UpstreamHttpError, 'UPSTREAM_HTTP_ERROR'],
    [418, UpstreamHttpError, 'UPSTREAM_HTTP_ERROR'],
    [304, UpstreamHttpError, 'UPSTREAM_HTTP_ERROR'],
    [302, UpstreamHttpError, 'UPSTREAM_HTTP_ERROR'],
  ])('maps %i to %o', (status, ErrorClass, code) => {
    expect(upstreamErrorClassForStatus(status)).toBe(ErrorClass);
    const error = upstreamErrorFromStatus({ ...CALL, upstreamStatus: status });
    // The exact class, not merely a subclass of it.
    expect(Object.getPrototypeOf(error)).toBe(ErrorClass.prototype);
    expect(error.code).toBe(code);
    expect(error.upstreamStatus).toBe(status);
    expect(error.requestId).toBe('req-9');
  });

  it('fills the status text from node STATUS_CODES when it is missing', () => {
    const error = upstreamErrorFromStatus({ ...CALL, upstreamStatus: 418 });
    expect(STATUS_CODES[418]).toBe("I'm a Teapot");
    expect(error.message).toContain("answered 418 I'm a Teapot");
    const empty = upstreamErrorFromStatus({ ...CALL, upstreamStatus: 502, upstreamStatusText: '' });
    expect(empty.message).toContain('answered 502 Bad Gateway');
  });

  it('keeps a status text the upstream sent', () => {
    const error = upstreamErrorFromStatus({ ...CALL, upstreamStatus: 503, upstreamStatusText: 'Down For Maintenance' });
    expect(error.message).toContain('answered 503 Down For Maintenance');
  });

  it('says only the status when node knows no text for it', () => {
    const error = upstreamErrorFromStatus({ ...CALL, upstreamStatus: 599 });
    expect(STATUS_CODES[599]).toBeUndefined();
    expect(error.message).toMatch(/^Upstream "billing" answered 599 \(1 attempt in 0 ms\)/);
  });

  it('passes the other facts through to the error', () => {
    const error = upstreamErrorFromStatus({ ...CALL, upstreamStatus: 429, retryAfterMs: 3000, attempts: 2, responseBody: 'slow down' });
    expect(error).toMatchObject({ retryAfterMs: 3000, attempts: 2, responseBody: 'slow down', retryable: true, statusCode: 503 });
  });
});

describe('problem details', () => {
  it('recognises the problem+json content type, with parameters and in any case', () => {
    expect(isProblemContentType('application/problem+json')).toBe(true);
    expect(isProblemContentType('Application/Problem+JSON; charset=utf-8')).toBe(true);
    expect(isProblemContentType('  application/problem+json ')).toBe(true);
    expect(isProblemContentType('application/json')).toBe(false);
    expect(isProblemContentType('application/problem+jsonx')).toBe(false);
    expect(isProblemContentType('text/plain')).toBe(false);
    expect(isProblemContentType(null)).toBe(false);
    expect(isProblemContentType(undefined)).toBe(false);
  });

  it('keeps the standard members with their types and the extension members', () => {
    const body = {
      type: 'https://billing.test/problems/out-of-credit',
      title: 'Out of credit',
      status: 403,
      detail: 'Balance is 30, cost is 50',
      instance: '/account/12345/msgs/abc',
      balance: 30,
      accounts: ['/account/12345'],
    };
    expect(parseProblemDetails(JSON.stringify(body))).toEqual(body);
  });

  it('drops standard members of the wrong type and keeps the rest', () => {
    const problem = parseProblemDetails(JSON.stringify({ type: 42, title: ['x'], status: '403', detail: null, instance: {}, code: 'E1' }));
    expect(problem).toEqual({ code: 'E1' });
  });

  it('redacts secret-looking members and secrets in text members', () => {
    const problem = parseProblemDetails(
      JSON.stringify({ title: 'Denied', detail: 'see https://billing.test/?token=abc', access_token: 'at-1', nested: { password: 'p' } }),
    );
    expect(problem).toEqual({
      title: 'Denied',
      detail: `see https://billing.test/?token=${REDACTED}`,
      access_token: REDACTED,
      nested: { password: REDACTED },
    });
  });

  it.each(['[1,2]', '"text"', '42', 'null', 'true', 'not json', ''])('returns undefined for %j', (body) => {
    expect(parseProblemDetails(body)).toBeUndefined();
  });
});
