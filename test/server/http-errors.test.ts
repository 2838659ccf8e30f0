import { NotFoundError, toErrorResponse } from 'resilient-http';
import { describe, expect, it } from 'vitest';

// The `http-errors` convention (Express, body-parser, Koa): `status`/`statusCode`, `expose`.
function httpError(status: number, message: string, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(message), { status, statusCode: status, expose: status < 500, ...extra });
}

describe('toErrorResponse with errors of the http-errors convention', () => {
  it.each([
    [400, 'BAD_REQUEST'],
    [401, 'UNAUTHORIZED'],
    [403, 'FORBIDDEN'],
    [404, 'NOT_FOUND'],
    [405, 'METHOD_NOT_ALLOWED'],
    [409, 'CONFLICT'],
    [413, 'PAYLOAD_TOO_LARGE'],
    [415, 'UNSUPPORTED_MEDIA_TYPE'],
    [422, 'UNPROCESSABLE_ENTITY'],
    [429, 'TOO_MANY_REQUESTS'],
    [418, 'CLIENT_ERROR'],
    [499, 'CLIENT_ERROR'],
  ])('answers an exposed %i with its message and the code %s', (status, code) => {
    const response = toErrorResponse(httpError(status, 'you sent something odd'), { requestId: 'req-1' });
    expect(response.status).toBe(status);
    expect(response.body).toEqual({ error: { code, message: 'you sent something odd', requestId: 'req-1' } });
  });

  it.each([
    [500, 'INTERNAL_ERROR', 'An unexpected error occurred'],
    [501, 'NOT_IMPLEMENTED', 'Not Implemented'],
    [502, 'BAD_GATEWAY', 'Bad Gateway'],
    [503, 'SERVICE_UNAVAILABLE', 'Service Unavailable'],
    [504, 'GATEWAY_TIMEOUT', 'Gateway Timeout'],
    [599, 'SERVER_ERROR', 'An unexpected error occurred'],
  ])('answers a %i with a generic message and the code %s, exposed or not', (status, code, message) => {
    for (const expose of [false, true]) {
      const response = toErrorResponse(httpError(status, 'db password is hunter2', { expose }), { requestId: 'req-1' });
      expect(response.status).toBe(status);
      expect(response.body).toEqual({ error: { code, message, requestId: 'req-1' } });
    }
  });

  it('hides the message of a 4xx whose expose is false, keeping its status and code', () => {
    const response = toErrorResponse(httpError(403, 'tenant 7 lacks the admin role', { expose: false }));
    expect(response.status).toBe(403);
    expect(response.body).toMatchObject({ error: { code: 'FORBIDDEN', message: 'Forbidden' } });
  });

  it('reads statusCode alone (Fastify) and status alone (Koa), status first; without expose a 4xx is exposed', () => {
    expect(toErrorResponse(Object.assign(new Error('no such route'), { statusCode: 404 }))).toMatchObject({
      status: 404,
      body: { error: { code: 'NOT_FOUND', message: 'no such route' } },
    });
    expect(toErrorResponse(Object.assign(new Error('slow down'), { status: 429, statusCode: 500 }))).toMatchObject({
      status: 429,
      body: { error: { code: 'TOO_MANY_REQUESTS', message: 'slow down' } },
    });
    expect(toErrorResponse(Object.assign(new Error('bad'), { status: 'teapot', statusCode: 400 }))).toMatchObject({ status: 400 });
  });

  it('redacts the message, cuts it to 500 characters, and keeps out the request body a JSON parser quotes', () => {
    const secret = toErrorResponse(httpError(400, 'bad header authorization: Bearer abc.def.ghi and ?token=s3cr3t'));
    expect(JSON.stringify(secret.body)).not.toMatch(/abc\.def\.ghi|s3cr3t/);
    const long = toErrorResponse(httpError(400, 'x'.repeat(5_000)));
    expect((long.body as { error: { message: string } }).error.message).toHaveLength(500);
    const parse = toErrorResponse(
      httpError(400, 'Unexpected token \'h\', ..."assword": hunter2}" is not valid JSON', { body: '{"password": hunter2}', type: 'entity.parse.failed' }),
    );
    expect(parse.body).toMatchObject({ error: { code: 'BAD_REQUEST', message: 'Unexpected token \'h\', the request body is not valid JSON' } });
    const echoed = toErrorResponse(httpError(400, 'cannot read {"pin":"0000"} here', { body: '{"pin":"0000"}' }));
    expect(JSON.stringify(echoed.body)).not.toContain('0000');
  });

  it('answers in RFC 9457 format with the status\'s title', () => {
    const response = toErrorResponse(httpError(413, 'request entity too large'), { format: 'problem', requestId: 'req-9' });
    expect(response).toMatchObject({
      status: 413,
      headers: { 'content-type': 'application/problem+json; charset=utf-8' },
      body: { type: 'about:blank', title: 'Payload Too Large', status: 413, detail: 'request entity too large', code: 'PAYLOAD_TOO_LARGE', requestId: 'req-9' },
    });
  });

  it('leaves AppErrors to their own status and code', () => {
    const error = Object.assign(new NotFoundError('User', '42'), { status: 400 });
    expect(toErrorResponse(error)).toMatchObject({ status: 404, body: { error: { code: 'NOT_FOUND' } } });
  });
});
