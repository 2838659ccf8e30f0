import { createClient, UpstreamHttpError } from 'resilient-http';
import { describe, expect, it } from 'vitest';

import { answerJson, useRealServer } from '../support/real-server.js';

const upstream = useRealServer();
const elsewhere = useRealServer((_request, response) => {
  answerJson(response, { stolen: true });
});

function client() {
  return createClient(`${upstream.url}api/`, {
    name: 'accounts',
    logger: false,
    retry: { initialDelay: 1 },
    headers: { 'x-api-key': 'K-SECRET' },
  });
}

async function redirectError(call: Promise<unknown>): Promise<UpstreamHttpError> {
  const error = await call.catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(UpstreamHttpError);
  return error as UpstreamHttpError;
}

describe('redirects', () => {
  it('does not follow a 302 to another origin: the call rejects with the 302, and the other server never sees the API key', async () => {
    upstream.handle((_request, response) => {
      response.writeHead(302, { location: `${elsewhere.url}loot` });
      response.end();
    });
    const error = await redirectError(client().get('profile'));

    expect(error).toMatchObject({ code: 'UPSTREAM_HTTP_ERROR', upstreamStatus: 302, attempts: 1, service: 'accounts' });
    expect(upstream.requests.map((request) => request.url)).toEqual(['/api/profile']);
    expect(upstream.requests[0]?.headers['x-api-key']).toBe('K-SECRET');
    expect(elsewhere.requests).toHaveLength(0);
    expect(elsewhere.connections).toBe(0);
  });

  it('does not follow a 301 to the same origin either: the caller gets the redirect as an UpstreamHttpError, unretried', async () => {
    upstream.handle((request, response) => {
      if (request.url === '/api/old') {
        response.writeHead(301, { location: '/api/new' });
        response.end();
      } else {
        answerJson(response, { moved: true });
      }
    });
    const error = await redirectError(client().get('old'));

    expect(error).toMatchObject({ code: 'UPSTREAM_HTTP_ERROR', upstreamStatus: 301, attempts: 1, retryable: false });
    expect(upstream.requests.map((request) => request.url)).toEqual(['/api/old']);
  });
});
