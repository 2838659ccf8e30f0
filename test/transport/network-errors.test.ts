import {
  createClient,
  UpstreamAbortedError,
  UpstreamCircuitOpenError,
  UpstreamConcurrencyLimitError,
  UpstreamError,
  UpstreamInvalidResponseError,
  UpstreamNetworkError,
  UpstreamServerError,
  UpstreamTimeoutError,
} from 'resilient-http';
import type { Client, ClientOptions } from 'resilient-http';
import { beforeAll, describe, expect, it } from 'vitest';

import { refusedPort, useRealServer } from '../support/real-server.js';
import type { RealHandler } from '../support/real-server.js';
import { rejectionOf, upstreamFailure } from '../support/rejection.js';

const upstream = useRealServer();
let deadPort: number;

beforeAll(async () => {
  deadPort = await refusedPort();
});

function client(options: ClientOptions = {}, baseUrl = upstream.url): Client {
  return createClient(baseUrl, { name: 'ledger', logger: false, retry: false, circuitBreaker: false, ...options });
}


const destroyBeforeAnswer: RealHandler = (request) => {
  request.socket.destroy();
};

const destroyMidBody: RealHandler = (_request, response) => {
  response.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
  response.write('{"entries":[', () => {
    setTimeout(() => response.socket?.destroy(), 5);
  });
};

/** A chunked body whose second chunk has a malformed size line: a protocol error after the headers, with no system code. */
const malformedChunk: RealHandler = (_request, response) => {
  const socket = response.socket;
  socket?.write('HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ntransfer-encoding: chunked\r\n\r\n5\r\nhello\r\n', () => {
    setTimeout(() => socket.write('zz\r\nbad\r\n0\r\n\r\n'), 5);
  });
};

const never: RealHandler = (_request, response) => {
  const timer = setTimeout(() => response.end(), 2_000);
  response.on('close', () => {
    clearTimeout(timer);
  });
};

describe('network failures from real sockets', () => {
  it('turns a refused port into UpstreamNetworkError ECONNREFUSED, naming the service and host:port', async () => {
    const error = await upstreamFailure(client({}, `http://127.0.0.1:${deadPort}/v1/`).get('entries'));
    expect(error).toBeInstanceOf(UpstreamNetworkError);
    expect(error).toMatchObject({ code: 'UPSTREAM_NETWORK_ERROR', systemCode: 'ECONNREFUSED', attempts: 1, retryable: true });
    expect(error.message).toContain(`Upstream "ledger" refused the connection at 127.0.0.1:${deadPort} (ECONNREFUSED)`);
    expect(error.message).toContain(`GET http://127.0.0.1:${deadPort}/v1/entries`);
  });

  it('turns a socket the server destroys before answering into UpstreamNetworkError', async () => {
    upstream.handle(destroyBeforeAnswer);
    const error = await upstreamFailure(client().get('entries'));
    expect(error).toBeInstanceOf(UpstreamNetworkError);
    expect(['UND_ERR_SOCKET', 'ECONNRESET']).toContain(error.systemCode);
    expect(error.message).toMatch(/closed the connection at 127\.0\.0\.1:\d+ before answering/);
  });

  it('turns a socket the server destroys mid-body into UpstreamNetworkError', async () => {
    upstream.handle(destroyMidBody);
    const error = await upstreamFailure(client().get('entries'));
    expect(error).toBeInstanceOf(UpstreamNetworkError);
    expect(['UND_ERR_SOCKET', 'ECONNRESET']).toContain(error.systemCode);
    // It answered: the message says what became of its answer, not that it could not be reached.
    expect(error.message).toMatch(/answered 200, then closed the connection at 127\.0\.0\.1:\d+ before the body ended \((?:UND_ERR_SOCKET|ECONNRESET)\)/);
    expect(error.upstreamStatus).toBeUndefined();
  });

  it('turns a malformed chunk mid-body into UpstreamNetworkError, retried like any other', async () => {
    upstream.handle(malformedChunk);
    const error = await upstreamFailure(client({ retry: { maxAttempts: 2, initialDelay: 1, maxDelay: 1 } }).get('entries'));
    expect(error).toBeInstanceOf(UpstreamNetworkError);
    expect(error).toMatchObject({ code: 'UPSTREAM_NETWORK_ERROR', attempts: 2, retryable: true });
    expect(error.message).toMatch(/answered 200, then cut the body off at 127\.0\.0\.1:\d+: /);
    expect(upstream.requests).toHaveLength(2);
  });

  it('fails a streamed body with a malformed chunk as UpstreamNetworkError, after the chunk before it', async () => {
    upstream.handle(malformedChunk);
    const answer = await client().stream('GET', 'entries');
    const reader = answer.body.getReader();
    const first = await reader.read();
    expect(Buffer.from(first.value ?? new Uint8Array()).toString()).toBe('hello');
    const error = await rejectionOf(reader.read());
    expect(error).toBeInstanceOf(UpstreamNetworkError);
    expect(error).toMatchObject({ code: 'UPSTREAM_NETWORK_ERROR' });
    expect((error as Error).message).toMatch(/answered 200, then cut the body off at 127\.0\.0\.1:\d+: /);
  });

  it('answers a status above 599 as an UpstreamHttpError with that status, sent once', async () => {
    upstream.handle((_request, response) => {
      response.writeHead(600, 'Odd').end('?');
    });
    const error = await upstreamFailure(client({ retry: { maxAttempts: 3, initialDelay: 1, maxDelay: 1 } }).get('entries'));
    expect(error).not.toBeInstanceOf(UpstreamNetworkError);
    expect(error).toMatchObject({ code: 'UPSTREAM_HTTP_ERROR', upstreamStatus: 600, attempts: 1 });
    expect(upstream.requests).toHaveLength(1);
  });

  it('retries a reset GET and succeeds on the next attempt', async () => {
    let calls = 0;
    upstream.handle((request, response) => {
      if (++calls === 1) {
        destroyBeforeAnswer(request, response);
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
    await expect(client({ retry: { initialDelay: 1 } }).get('entries')).resolves.toEqual({ ok: true });
    expect(upstream.requests).toHaveLength(2);
  });
});

describe('every failure is an UpstreamError', () => {
  const cases: [string, abstract new (...args: never[]) => UpstreamError, () => Promise<unknown>][] = [
    ['a refused connection', UpstreamNetworkError, () => client({}, `http://127.0.0.1:${deadPort}/`).get('x')],
    ['a reset connection', UpstreamNetworkError, () => {
      upstream.handle(destroyBeforeAnswer);
      return client().get('x');
    }],
    ['a body cut short', UpstreamNetworkError, () => {
      upstream.handle(destroyMidBody);
      return client().get('x');
    }],
    ['an attempt timeout', UpstreamTimeoutError, () => {
      upstream.handle(never);
      return client({ timeout: { attempt: 30 } }).get('x');
    }],
    ['a caller abort with a DOMException reason', UpstreamAbortedError, () => {
      upstream.handle(never);
      const controller = new AbortController();
      setTimeout(() => {
        controller.abort(new DOMException('stop', 'AbortError'));
      }, 30);
      return client().get('x', { signal: controller.signal });
    }],
    ['a caller signal that times out (AbortSignal.timeout)', UpstreamTimeoutError, () => {
      upstream.handle(never);
      return client().get('x', { signal: AbortSignal.timeout(30) });
    }],
    ['a caller abort with a string reason', UpstreamAbortedError, () => {
      upstream.handle(never);
      const controller = new AbortController();
      setTimeout(() => {
        controller.abort('stop');
      }, 30);
      return client().get('x', { signal: controller.signal });
    }],
    ['a body that is not JSON', UpstreamInvalidResponseError, () => {
      upstream.handle((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"a":'));
      return client().get('x');
    }],
    ['a 500', UpstreamServerError, () => {
      upstream.handle((_req, res) => res.writeHead(500).end('boom'));
      return client().get('x');
    }],
    ['an open circuit', UpstreamCircuitOpenError, async () => {
      upstream.handle((_req, res) => res.writeHead(503).end());
      const breaker = client({ circuitBreaker: { consecutiveFailures: 1, halfOpenAfter: 60_000 } });
      await breaker.get('x').catch(() => undefined);
      return breaker.get('x');
    }],
    ['a full bulkhead', UpstreamConcurrencyLimitError, async () => {
      upstream.handle(never);
      const limited = client({ bulkhead: { limit: 1 }, timeout: { attempt: 100 } });
      const first = limited.get('x').catch(() => undefined);
      const second = limited.get('x').catch((e: unknown) => e);
      await first;
      throw await second;
    }],
  ];

  it.each(cases)('rejects %s with %o, never a raw TypeError or DOMException', async (_what, expected, call) => {
    const error = await rejectionOf(call());
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error).toBeInstanceOf(expected);
    expect(error).not.toBeInstanceOf(DOMException);
    expect((error as Error).name).toBe(expected.name);
    expect((error as UpstreamError).code).toMatch(/^UPSTREAM_/);
  });
});

describe('classification under ky 2: NetworkError and the cause chain, not message text', () => {
  const failingFetch = (error: Error): typeof fetch => () => Promise.reject(error);
  const systemError = (code: string) => Object.assign(new Error(`connect ${code}`), { code });

  it('unwraps ky\'s NetworkError: cause is fetch\'s TypeError, systemCode comes from its cause', async () => {
    const fetchError = new TypeError('fetch failed', { cause: systemError('ECONNREFUSED') });
    const error = await upstreamFailure(client({ fetch: failingFetch(fetchError), retry: { maxAttempts: 2, initialDelay: 1 } }).get('x'));
    expect(error).toBeInstanceOf(UpstreamNetworkError);
    expect(error).toMatchObject({ systemCode: 'ECONNREFUSED', attempts: 2, retryable: true });
    expect(error.cause).toBe(fetchError);
  });

  it('counts a system error a custom fetch throws itself (ky does not wrap it) by its code', async () => {
    const reset = systemError('ECONNRESET');
    const error = await upstreamFailure(client({ fetch: failingFetch(reset) }).get('x'));
    expect(error).toBeInstanceOf(UpstreamNetworkError);
    expect(error).toMatchObject({ systemCode: 'ECONNRESET' });
    expect(error.cause).toBe(reset);
  });

  it('does not take a TypeError without a system code that ky does not recognise for a network failure', async () => {
    let sent = 0;
    const refused = (): Promise<Response> => {
      sent++;
      return Promise.reject(new TypeError('Failed to parse URL from [object Request]'));
    };
    const error = await upstreamFailure(client({ fetch: refused, retry: { maxAttempts: 3, initialDelay: 1 } }).get('x'));
    expect(error).not.toBeInstanceOf(UpstreamNetworkError);
    expect(error.retryable).toBe(false);
    expect(sent).toBe(1);
  });

  it('does not retry an invalid-argument code, even wrapped the way fetch wraps network failures', async () => {
    let sent = 0;
    const invalid = (): Promise<Response> => {
      sent++;
      return Promise.reject(new TypeError('fetch failed', { cause: systemError('UND_ERR_INVALID_ARG') }));
    };
    const error = await upstreamFailure(client({ fetch: invalid, retry: { maxAttempts: 3, initialDelay: 1 } }).get('x'));
    expect(error).not.toBeInstanceOf(UpstreamNetworkError);
    expect(sent).toBe(1);
  });
});

describe('request() and body parsing', () => {
  it('returns status, headers and the parsed JSON body', async () => {
    upstream.handle((_req, res) => res.writeHead(201, { 'content-type': 'application/json; charset=utf-8', location: '/entries/7' }).end('{"id":7}'));
    const response = await client().request<{ id: number }>('POST', 'entries', { json: { amount: 1 } });
    expect(response.status).toBe(201);
    expect(response.headers.get('location')).toBe('/entries/7');
    expect(response.data).toEqual({ id: 7 });
    expect(upstream.requests[0]).toMatchObject({ method: 'POST', url: '/entries' });
  });

  it('resolves a 204 to undefined', async () => {
    upstream.handle((_req, res) => res.writeHead(204).end());
    const response = await client().request('DELETE', 'entries/7');
    expect(response).toMatchObject({ status: 204, data: undefined });
    await expect(client().delete('entries/7')).resolves.toBeUndefined();
  });

  it('resolves a text/plain body to a string', async () => {
    upstream.handle((_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('pong'));
    await expect(client().get('ping')).resolves.toBe('pong');
  });

  it('resolves a body without content-type to a string, even when it looks like JSON', async () => {
    upstream.handle((_req, res) => res.writeHead(200).end('{"a":1}'));
    await expect(client().get('raw')).resolves.toBe('{"a":1}');
  });

  it('resolves an empty 200 body to undefined, even when it claims JSON', async () => {
    upstream.handle((_req, res) => res.writeHead(200, { 'content-type': 'application/json', 'content-length': '0' }).end());
    await expect(client().get('empty')).resolves.toBeUndefined();
  });

  it('resolves HEAD to status and headers with no data', async () => {
    upstream.handle((_req, res) => res.writeHead(200, { etag: '"v1"', 'content-length': '10' }).end());
    const response = await client().head('entries/7');
    expect(response).toMatchObject({ status: 200, data: undefined });
    expect(response.headers.get('etag')).toBe('"v1"');
    expect(upstream.requests[0]?.method).toBe('HEAD');
  });
});
