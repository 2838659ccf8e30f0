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
import { describe, expect, it, vi } from 'vitest';

import { BODY_EXCERPT_LIMIT, readFailedBody } from '../../src/errors/response-body.js';

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

/** A response whose body stream records whether it was cancelled. */
function streamingResponse(chunks: string[], contentType = 'text/plain'): { response: Response; cancel: ReturnType<typeof vi.fn>; pulls: () => number } {
  const cancel = vi.fn();
  let index = 0;
  const encoder = new TextEncoder();
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      const chunk = chunks[index++];
      if (chunk === undefined) controller.close();
      else controller.enqueue(encoder.encode(chunk));
    },
    cancel,
  });
  return { response: new Response(stream, { status: 500, headers: { 'content-type': contentType } }), cancel, pulls: () => index };
}

describe('readFailedBody', () => {
  it('returns a short body whole and reads it to its end', async () => {
    const { response, cancel } = streamingResponse(['{"error":', '"boom"}']);
    await expect(readFailedBody(response)).resolves.toEqual({ excerpt: '{"error":"boom"}', problem: undefined });
    expect(cancel).not.toHaveBeenCalled();
    expect(response.bodyUsed).toBe(true);
  });

  it('bounds the excerpt to 2048 characters plus an ellipsis', async () => {
    const response = new Response('x'.repeat(5000));
    const { excerpt } = await readFailedBody(response);
    expect(BODY_EXCERPT_LIMIT).toBe(2048);
    expect(excerpt).toBe(`${'x'.repeat(2048)}…`);
  });

  it('keeps a body of exactly 2048 characters without an ellipsis', async () => {
    const { excerpt } = await readFailedBody(new Response('y'.repeat(2048)));
    expect(excerpt).toBe('y'.repeat(2048));
  });

  it('parses problem details when the body is application/problem+json, both redacted', async () => {
    const problem = { type: 'about:blank', title: 'Gone', status: 410, token: 'secret-token' };
    const response = new Response(JSON.stringify(problem), { status: 410, headers: { 'content-type': 'application/problem+json' } });
    const body = await readFailedBody(response);
    expect(body.problem).toEqual({ type: 'about:blank', title: 'Gone', status: 410, token: REDACTED });
    expect(body.excerpt).toBe(JSON.stringify({ ...problem, token: REDACTED }));
  });

  it('redacts the whole body before cutting the excerpt, so a secret across the cut is not half kept', async () => {
    const body = `${'x'.repeat(2040)} password=hunter2-and-more`;
    const { excerpt } = await readFailedBody(new Response(body));
    expect(excerpt).not.toContain('hunter2');
    expect(excerpt).not.toContain('hunt');
  });

  it('does not parse problem details from a plain JSON body', async () => {
    const response = new Response('{"title":"x"}', { headers: { 'content-type': 'application/json' } });
    await expect(readFailedBody(response)).resolves.toEqual({ excerpt: '{"title":"x"}', problem: undefined });
  });

  it('returns nothing for an empty or absent body', async () => {
    await expect(readFailedBody(new Response(null, { status: 503 }))).resolves.toEqual({ excerpt: undefined, problem: undefined });
    await expect(readFailedBody(new Response('', { status: 503 }))).resolves.toEqual({ excerpt: undefined, problem: undefined });
  });

  it('cancels a body larger than the read limit instead of reading it all', async () => {
    const chunks = Array.from({ length: 100 }, () => 'z'.repeat(1024));
    const { response, cancel, pulls } = streamingResponse(chunks);
    const body = await readFailedBody(response, 4096);
    expect(cancel).toHaveBeenCalledTimes(1);
    expect(pulls()).toBeLessThan(10);
    expect(body.excerpt).toBe(`${'z'.repeat(2048)}…`);
  });

  it('cancels the stream and keeps what it read when the body errors midway', async () => {
    let sent = false;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent) controller.error(new Error('socket reset'));
        else controller.enqueue(new TextEncoder().encode('partial'));
        sent = true;
      },
    });
    await expect(readFailedBody(new Response(stream))).resolves.toEqual({ excerpt: 'partial', problem: undefined });
  });
});
