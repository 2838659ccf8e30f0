import { createUndiciFetch } from 'resilient-http/undici';
import { createClient, UpstreamAbortedError, UpstreamNetworkError, UpstreamTimeoutError } from 'resilient-http';
import type { ClientOptions } from 'resilient-http';
import { afterAll, describe, expect, it } from 'vitest';

import { upstreamFailure } from '../support/rejection.js';
import { refusedPort, useRealServer } from '../support/real-server.js';
import { untilReal } from '../support/real-time.js';
import { TLS, startTlsServer } from '../support/tls-server.js';

const upstream = useRealServer();
const undiciFetch = createUndiciFetch();

afterAll(async () => {
  await undiciFetch.close();
});

function client(options: ClientOptions = {}, baseUrl = upstream.url) {
  return createClient(baseUrl, { name: 'ledger', logger: false, retry: false, circuitBreaker: false, fetch: undiciFetch, ...options });
}

const never = (_request: unknown, response: { on(event: 'close', listener: () => void): void; end(): void }): void => {
  const timer = setTimeout(() => {
    response.end();
  }, 5_000);
  response.on('close', () => {
    clearTimeout(timer);
  });
};

describe('createUndiciFetch: abort closes the socket', () => {
  it('rejects with the signal’s reason and closes the socket when aborted before the headers', async () => {
    upstream.handle(never);
    const controller = new AbortController();
    const pending = undiciFetch(`${upstream.url}slow`, { signal: controller.signal });
    // Aborted once the request is at the upstream, waiting for headers (however loaded the machine).
    await untilReal(() => upstream.requests.length === 1, 'the request to reach the upstream');
    const reason = new Error('caller left');
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
    expect(await upstream.requests[0]?.closedEarly).toBe(true);
  });

  it('errors the body stream and closes the socket when aborted mid-body', async () => {
    upstream.handle((_request, response) => {
      response.writeHead(200, { 'content-length': '100000' });
      response.write('x'.repeat(1000));
    });
    const controller = new AbortController();
    const response = await undiciFetch(`${upstream.url}big`, { signal: controller.signal });
    controller.abort(new Error('enough'));
    await expect(response.text()).rejects.toThrow('enough');
    expect(await upstream.requests[0]?.closedEarly).toBe(true);
  });

  it('sends nothing for an already aborted signal', async () => {
    const reason = new Error('too late');
    await expect(undiciFetch(`${upstream.url}x`, { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    expect(upstream.requests).toHaveLength(0);
  });

  it('cuts an attempt at the attempt timeout through createClient, typed, and the server sees its socket close', async () => {
    upstream.handle(never);
    const error = await upstreamFailure(client({ timeout: { attempt: 80 } }).get('slow'));
    expect(error).toBeInstanceOf(UpstreamTimeoutError);
    expect(error).toMatchObject({ timeoutKind: 'attempt', timeoutMs: 80 });
    expect(await upstream.requests[0]?.closedEarly).toBe(true);
  });

  it('answers a caller’s abort through createClient with UpstreamAbortedError', async () => {
    upstream.handle(never);
    const controller = new AbortController();
    const call = upstreamFailure(client().get('slow', { signal: controller.signal }));
    await expect.poll(() => upstream.requests.length).toBe(1);
    controller.abort();
    const error = await call;
    expect(error).toBeInstanceOf(UpstreamAbortedError);
    expect(await upstream.requests[0]?.closedEarly).toBe(true);
  });
});

describe('createUndiciFetch: failures classified as fetch’s are', () => {
  it('refused: UpstreamNetworkError ECONNREFUSED', async () => {
    const error = await upstreamFailure(client({}, `http://127.0.0.1:${String(await refusedPort())}/`).get('x'));
    expect(error).toBeInstanceOf(UpstreamNetworkError);
    expect(error.systemCode).toBe('ECONNREFUSED');
    expect(error.cause).toBeInstanceOf(TypeError);
  });

  it('reset before the answer: UpstreamNetworkError with undici’s socket code', async () => {
    upstream.handle((request) => request.socket.destroy());
    const error = await upstreamFailure(client().get('x'));
    expect(error).toBeInstanceOf(UpstreamNetworkError);
    expect(error.systemCode).toMatch(/^(?:UND_ERR_SOCKET|ECONNRESET)$/);
  });

  it('reset mid-body: UpstreamNetworkError, the body read cut off', async () => {
    upstream.handle((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
      response.write('{"entries":[', () => setTimeout(() => response.socket?.destroy(), 5));
    });
    const error = await upstreamFailure(client().get('x'));
    expect(error).toBeInstanceOf(UpstreamNetworkError);
    expect(error.systemCode).toMatch(/^(?:UND_ERR_SOCKET|ECONNRESET)$/);
  });

  it('DNS: a name the resolver does not know is UpstreamNetworkError ENOTFOUND', async () => {
    // The lookup answers as dns.lookup does for an unknown name, so the test sends nothing off this machine.
    const notFound = Object.assign(new Error('getaddrinfo ENOTFOUND ledger.invalid'), { code: 'ENOTFOUND', syscall: 'getaddrinfo' });
    const offline = createUndiciFetch({
      connect: { lookup: (_host: string, _options: unknown, callback: (error: Error) => void) => { callback(notFound); } } as never,
    });
    try {
      const error = await upstreamFailure(client({ fetch: offline }, 'http://ledger.invalid/').get('x'));
      expect(error).toBeInstanceOf(UpstreamNetworkError);
      expect(error.systemCode).toBe('ENOTFOUND');
    } finally {
      await offline.close();
    }
  });

  it('TLS: an untrusted certificate is UpstreamNetworkError with the verification code; trusted, it succeeds', async () => {
    const server = await startTlsServer();
    const trusting = createUndiciFetch({ connect: { ca: TLS.ca } });
    try {
      const error = await upstreamFailure(client({}, server.url).get('x'));
      expect(error).toBeInstanceOf(UpstreamNetworkError);
      expect(error.systemCode).toMatch(/^(?:SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT_LOCALLY)$/);
      await expect(client({ fetch: trusting }, server.url).get('x')).resolves.toEqual({ ok: true });
    } finally {
      await trusting.close();
      await server.close();
    }
  });
});
