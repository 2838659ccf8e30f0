import { createHmac } from 'node:crypto';
import { Readable } from 'node:stream';

import aws4 from 'aws4';
import { UpstreamError, UpstreamTimeoutError, createClient } from 'resilient-http';
import type { ClientOptions, OutgoingAttempt } from 'resilient-http';
import { describe, expect, it, vi } from 'vitest';

import { answerJson, useRealServer } from '../support/real-server.js';
import { upstreamFailure } from '../support/rejection.js';
import { hmacPayload, readBody, verifyHmac, verifySigV4 } from '../support/signing.js';

const upstream = useRealServer();
const HMAC_KEY = 'hmac-key-for-tests-only';
const AWS_KEYS = { accessKeyId: 'AKIDFORTESTSONLY', secretAccessKey: 'aws-secret-for-tests-only' };

/** Bodies the server received, in order. */
const bodies: Buffer[] = [];

/** The server checks each request with `verify` (a reason to refuse, or undefined) and answers 403 or 200 with what it read. */
function verifying(verify: (request: Parameters<typeof verifyHmac>[0], body: Buffer) => string | undefined): void {
  bodies.length = 0;
  upstream.handle((request, response) => {
    void readBody(request).then((body) => {
      bodies.push(body);
      const refused = verify(request, body);
      if (refused === undefined) answerJson(response, { verified: true });
      else response.writeHead(403, { 'content-type': 'text/plain' }).end(refused);
    });
  });
}

function client(options: ClientOptions) {
  return createClient(upstream.url, { name: 'ledger', logger: false, circuitBreaker: false, retry: { initialDelay: 1, budget: false }, ...options });
}

/** An HMAC signer: signs method, path and query, a timestamp, the request ID and the body bytes. */
function signHmac({ method, url, headers, body }: OutgoingAttempt): void {
  const timestamp = '2026-12-03T08:00:00Z';
  headers.set('x-timestamp', timestamp);
  const payload = hmacPayload(method, url.pathname + url.search, timestamp, headers.get('x-request-id') ?? '', body);
  headers.set('x-signature', createHmac('sha256', HMAC_KEY).update(payload).digest('hex'));
}

/** An AWS Signature V4 signer, with the aws4 library. */
function signSigV4({ method, url, headers, body }: OutgoingAttempt): void {
  const signed = aws4.sign(
    {
      method,
      host: url.host,
      path: url.pathname + url.search,
      service: 'execute-api',
      region: 'eu-west-1',
      headers: Object.fromEntries(headers),
      ...(body === undefined ? {} : { body: Buffer.from(body) }),
    },
    AWS_KEYS,
  );
  for (const [name, value] of Object.entries(signed.headers ?? {})) headers.set(name, String(value));
}

describe('beforeAttempt signs requests that the upstream verifies', () => {
  it('HMAC (node:crypto): a JSON POST, retried after a 503, is signed and verified on every attempt', async () => {
    const verdicts: boolean[] = [];
    upstream.handle((request, response) => {
      void readBody(request).then((body) => {
        verdicts.push(verifyHmac(request, body, HMAC_KEY));
        if (verdicts.length === 1) response.writeHead(503).end();
        else answerJson(response, { verified: verdicts.every(Boolean) });
      });
    });
    const ledger = client({ beforeAttempt: signHmac });
    await expect(ledger.post('transfers?dry-run=1', { json: { amount: 12.5, to: 'Zoë' }, idempotencyKey: 'transfer-9' })).resolves.toEqual({ verified: true });
    expect(verdicts).toEqual([true, true]);
  });

  it('HMAC: a signature over other bytes than those sent is refused (the check is real)', async () => {
    verifying((request, body) => (verifyHmac(request, body, HMAC_KEY) ? undefined : 'bad signature'));
    const tampered = (attempt: OutgoingAttempt): void => {
      signHmac({ ...attempt, body: new TextEncoder().encode('{"amount":1}') });
    };
    const error = await upstreamFailure(client({ beforeAttempt: tampered }).post('transfers', { json: { amount: 12.5 } }));
    expect(error).toMatchObject({ code: 'UPSTREAM_FORBIDDEN', upstreamStatus: 403, responseBody: 'bad signature' });
  });

  it.each([
    ['a JSON body', { json: { amount: 3, memo: 'café ☕' } }],
    ['a string body', { body: 'plain text, ünïcode', headers: { 'content-type': 'text/plain; charset=utf-8' } }],
    ['a form body', { body: new URLSearchParams({ a: '1', b: 'x y' }) }],
    ['a multipart body', { body: formData() }],
    ['a byte body', { body: new Uint8Array([0, 1, 2, 253, 254, 255]), headers: { 'content-type': 'application/octet-stream' } }],
  ])('AWS Signature V4 (aws4): %s is signed over its exact bytes and verified', async (_name, options) => {
    verifying((request, body) => verifySigV4(request, body, AWS_KEYS));
    await expect(client({ beforeAttempt: signSigV4 }).put('accounts/7/limits?currency=EUR&b=2', options)).resolves.toEqual({ verified: true });
    expect(bodies).toHaveLength(1);
    const sent = upstream.requests[0]!;
    expect(sent.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDFORTESTSONLY\//);
    expect(sent.headers['content-length']).toBe(String(bodies[0]!.length));
  });

  it('AWS Signature V4: a GET with no body, and a signature with the wrong key is refused', async () => {
    verifying((request, body) => verifySigV4(request, body, AWS_KEYS));
    await expect(client({ beforeAttempt: signSigV4 }).get('accounts/7?x=a%20b')).resolves.toEqual({ verified: true });
    const wrongKey = ({ headers, ...rest }: OutgoingAttempt): void => {
      signSigV4({ headers, ...rest });
      headers.set('authorization', headers.get('authorization')!.replace(/Signature=[0-9a-f]+/, `Signature=${'0'.repeat(64)}`));
    };
    const error = await upstreamFailure(client({ beforeAttempt: wrongKey }).get('accounts/7'));
    expect(error).toMatchObject({ code: 'UPSTREAM_FORBIDDEN', responseBody: 'signature mismatch' });
  });
});

function formData(): FormData {
  const form = new FormData();
  form.set('note', 'hello');
  form.set('file', new Blob([new Uint8Array([1, 2, 3])], { type: 'application/octet-stream' }), 'a.bin');
  return form;
}

describe('what beforeAttempt gets and what it changes', () => {
  it('sees every header the client sets (request ID, idempotency key, timeout header, credentials) and the call, attempt by attempt', async () => {
    let answered = 0;
    upstream.handle((_request, response) => {
      answered++;
      if (answered === 1) response.writeHead(503).end();
      else answerJson(response, {});
    });
    const seen: { method: string; url: string; attempt: number; headers: Record<string, string>; aborted: boolean }[] = [];
    const ledger = client({
      timeoutHeader: 'x-request-timeout-ms',
      auth: { token: () => 'tok-for-hook-test' },
      headers: { 'x-client': 'ledger-sdk' },
      beforeAttempt: ({ method, url, headers, attempt, signal }) => {
        seen.push({ method, url: url.href, attempt, headers: Object.fromEntries(headers), aborted: signal.aborted });
      },
    });
    await ledger.delete('holds/{id}', { params: { id: 'h 1' }, requestId: 'req-42', idempotencyKey: 'del-1', headers: { 'x-call': 'yes' } });

    expect(seen.map(({ attempt }) => attempt)).toEqual([1, 2]);
    for (const attempt of seen) {
      expect(attempt).toMatchObject({ method: 'DELETE', url: `${upstream.url}holds/h%201`, aborted: false });
      expect(attempt.headers).toMatchObject({
        'x-client': 'ledger-sdk',
        'x-call': 'yes',
        'x-request-id': 'req-42',
        'idempotency-key': 'del-1',
        authorization: 'Bearer tok-for-hook-test',
      });
      expect(Number(attempt.headers['x-request-timeout-ms'])).toBeGreaterThan(0);
    }
  });

  it('sends the headers it sets on that attempt only, and may be async', async () => {
    let answered = 0;
    upstream.handle((_request, response) => {
      answered++;
      if (answered === 1) response.writeHead(503).end();
      else answerJson(response, {});
    });
    const beforeAttempt = async ({ attempt, headers }: OutgoingAttempt): Promise<void> => {
      await Promise.resolve();
      if (attempt === 1) headers.set('x-first-only', 'yes');
      headers.set('x-attempt', String(attempt));
      headers.delete('x-client');
    };
    await client({ beforeAttempt, headers: { 'x-client': 'ledger-sdk' } }).get('balance');
    expect(upstream.requests.map((request) => [request.headers['x-first-only'], request.headers['x-attempt'], request.headers['x-client']])).toEqual([
      ['yes', '1', undefined],
      [undefined, '2', undefined],
    ]);
  });

  it('gets no bytes for a stream body, which is sent as it is', async () => {
    verifying(() => undefined);
    const hook = vi.fn<(attempt: OutgoingAttempt) => void>();
    const stream = Readable.toWeb(Readable.from([Buffer.from('chunk-1,'), Buffer.from('chunk-2')])) as ReadableStream<Uint8Array>;
    await client({ beforeAttempt: hook }).post('uploads', { body: stream });
    expect(hook.mock.calls[0]?.[0].body).toBeUndefined();
    expect(bodies.map(String)).toEqual(['chunk-1,chunk-2']);
  });

  it('a hook that throws fails the call with an UpstreamError carrying the cause, nothing sent, not retried', async () => {
    const cause = new Error('signing key unavailable');
    const hook = vi.fn(() => {
      throw cause;
    });
    const error = await upstreamFailure(client({ beforeAttempt: hook }).get('balance'));
    expect(error.constructor).toBe(UpstreamError);
    expect(error).toMatchObject({ code: 'UPSTREAM_ERROR', statusCode: 502, attempts: 0, retryable: false, cause });
    expect(error.message).toContain('beforeAttempt hook failed: signing key unavailable');
    expect(hook).toHaveBeenCalledTimes(1);
    expect(upstream.requests).toHaveLength(0);
  });

  it('a hook that rejects fails the same way', async () => {
    const error = await upstreamFailure(client({ beforeAttempt: () => Promise.reject(new Error('KMS said no')) }).get('balance'));
    expect(error).toMatchObject({ code: 'UPSTREAM_ERROR', attempts: 0 });
    expect(upstream.requests).toHaveLength(0);
  });

  it('runs under the attempt timeout: a hook that never settles times the attempt out, nothing sent', async () => {
    const signals: AbortSignal[] = [];
    const hook = ({ signal }: OutgoingAttempt): Promise<void> => {
      signals.push(signal);
      return new Promise(() => undefined);
    };
    const error = await upstreamFailure(client({ beforeAttempt: hook, retry: false, timeout: { attempt: 50 } }).get('balance'));
    expect(error).toBeInstanceOf(UpstreamTimeoutError);
    expect(error).toMatchObject({ timeoutKind: 'attempt', attempts: 0 });
    expect(signals[0]?.aborted).toBe(true);
    expect(upstream.requests).toHaveLength(0);
  });

  it('is called for every hedge, each with its own attempt number and credentials', async () => {
    upstream.handle((request, response) => {
      // The first request waits for its hedge; the hedge answers.
      if (upstream.requests.length === 1) request.on('close', () => response.destroy());
      else answerJson(response, { from: 'hedge' });
    });
    const attempts: number[] = [];
    const ledger = client({
      hedging: { delay: 20 },
      auth: { token: () => 'tok-hedged-calls' },
      beforeAttempt: ({ attempt }) => {
        attempts.push(attempt);
      },
    });
    await expect(ledger.get('balance')).resolves.toEqual({ from: 'hedge' });
    expect(attempts).toEqual([1, 2]);
    expect(upstream.requests.map((request) => request.headers.authorization)).toEqual(['Bearer tok-hedged-calls', 'Bearer tok-hedged-calls']);
  });

  it('is validated by createClient', () => {
    expect(() => client({ beforeAttempt: 'sign' as never })).toThrow(new TypeError('beforeAttempt must be a function (attempt) => void, got string'));
  });
});
