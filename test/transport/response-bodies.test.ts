import { createClient, UpstreamInvalidResponseError, UpstreamNetworkError, UpstreamResponseTooLargeError } from 'resilient-http';
import zlib from 'node:zlib';

import { describe, expect, expectTypeOf, it } from 'vitest';

import { sendBomb, sendLarge, tally } from '../support/body-server.js';
import { useRealServer } from '../support/real-server.js';
import { rejectionOf } from '../support/rejection.js';

// Bodies live in the socket: a real server on 127.0.0.1 counts what it got to write before the client closed.
const upstream = useRealServer();
const MiB = 1024 * 1024;
const LIMIT = 10 * MiB;

function client(options: Parameters<typeof createClient>[1] = {}) {
  return createClient(upstream.url, { name: 'files', logger: false, ...options });
}

async function tooLarge(call: Promise<unknown>): Promise<UpstreamResponseTooLargeError> {
  const error = await rejectionOf(call);
  expect(error).toBeInstanceOf(UpstreamResponseTooLargeError);
  return error as UpstreamResponseTooLargeError;
}

describe('bodies are bounded by maxResponseSize, counted after decoding', () => {
  it.each(['gzip', 'br'] as const)('stops a %s bomb of 1 GiB at the 10 MiB default, once, and closes the socket', async (encoding) => {
    const wrote = tally();
    upstream.handle((_request, response) => {
      sendBomb(response, encoding, 1024 * MiB, wrote);
    });
    const error = await tooLarge(client().get('bomb'));
    expect(error).toMatchObject({ code: 'UPSTREAM_RESPONSE_TOO_LARGE', statusCode: 502, upstreamStatus: 200, limit: LIMIT, retryable: false, attempts: 1 });
    expect(error.receivedBytes).toBeGreaterThan(LIMIT);
    expect(error.receivedBytes).toBeLessThan(LIMIT + 2 * MiB);
    expect(error.message).toContain('over the 10485760-byte limit');
    expect(upstream.requests).toHaveLength(1);
    expect(await upstream.requests[0]?.closedEarly).toBe(true);
    expect(wrote.finished).toBe(false);
    expect(wrote.decoded).toBeLessThan(256 * MiB);
  });

  it('refuses a Content-Length above the limit before reading any of it, and does not retry', async () => {
    const wrote = tally();
    upstream.handle((_request, response) => {
      sendLarge(response, 50 * MiB, wrote, { 'content-length': String(50 * MiB) });
    });
    const error = await tooLarge(client().get('big'));
    expect(error).toMatchObject({ limit: LIMIT, receivedBytes: 0, declaredBytes: 50 * MiB, attempts: 1 });
    expect(error.message).toContain('Content-Length 52428800, nothing read');
    expect(error.toJSON()).toMatchObject({ limit: LIMIT, receivedBytes: 0, declaredBytes: 50 * MiB });
    expect(upstream.requests).toHaveLength(1);
    expect(await upstream.requests[0]?.closedEarly).toBe(true);
    expect(wrote.finished).toBe(false);
  });

  it.each([
    ['1000000000000000', 1e15],
    ['18000000000000000000', Number.MAX_SAFE_INTEGER],
  ])('refuses a Content-Length of %s before reading any of it, the length bounded to a safe integer', async (declared, bytes) => {
    const wrote = tally();
    upstream.handle((_request, response) => {
      sendLarge(response, 50 * MiB, wrote, { 'content-length': declared });
    });
    const error = await tooLarge(client().get('huge'));
    expect(error).toMatchObject({ limit: LIMIT, receivedBytes: 0, declaredBytes: bytes, attempts: 1 });
    expect(await upstream.requests[0]?.closedEarly).toBe(true);
  });

  it('stops a chunked body with no Content-Length just past the limit', async () => {
    const wrote = tally();
    upstream.handle((_request, response) => {
      sendLarge(response, 64 * MiB, wrote);
    });
    const error = await tooLarge(client({ maxResponseSize: MiB }).get('chunked'));
    expect(error.limit).toBe(MiB);
    expect(error.receivedBytes).toBeGreaterThan(MiB);
    expect(error.receivedBytes).toBeLessThanOrEqual(MiB + 512 * 1024);
    expect(error.declaredBytes).toBeUndefined();
    expect(await upstream.requests[0]?.closedEarly).toBe(true);
    expect(wrote.decoded).toBeLessThan(32 * MiB);
  });

  it('takes a per-call limit over the client one, and false for none', async () => {
    const body = Buffer.alloc(3 * MiB, 7);
    upstream.handle((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/octet-stream' });
      response.end(body);
    });
    const small = client({ maxResponseSize: MiB });
    expect((await tooLarge(small.get('a'))).limit).toBe(MiB);
    expect((await tooLarge(client().get('a', { maxResponseSize: 2 * MiB }))).limit).toBe(2 * MiB);
    const bytes = await small.get('a', { maxResponseSize: false });
    expect(bytes).toBeInstanceOf(Uint8Array);
    expect((bytes as Uint8Array).byteLength).toBe(3 * MiB);
  });

  it('is not counted by the circuit breaker: the upstream answered', async () => {
    upstream.handle((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/plain', 'content-length': String(2 * MiB) });
      response.end(Buffer.alloc(2 * MiB, 0x61));
    });
    const guarded = client({ maxResponseSize: MiB, circuitBreaker: { consecutiveFailures: 2 } });
    for (let i = 0; i < 4; i++) await tooLarge(guarded.get('x'));
    expect(guarded.circuitState).toBe('closed');
    expect(upstream.requests).toHaveLength(4);
  });

  it('rejects a limit that is not a positive integer or false, naming the option', async () => {
    expect(() => client({ maxResponseSize: 0 })).toThrow(/^maxResponseSize must be an integer number of bytes >= 1, or false for no limit, got 0$/);
    expect(() => client({ maxResponseSize: true as unknown as number })).toThrow(TypeError);
    const error = await rejectionOf(client().get('x', { maxResponseSize: -1 }));
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toMatch(/^options\.maxResponseSize must be/);
    expect(upstream.requests).toHaveLength(0);
  });
});

describe('bodies keep their bytes and their charset', () => {
  function serve(contentType: string | undefined, bytes: readonly number[]): void {
    upstream.handle((_request, response) => {
      response.writeHead(200, contentType === undefined ? {} : { 'content-type': contentType });
      response.end(Buffer.from(bytes));
    });
  }

  it('gives an octet-stream body as the exact bytes', async () => {
    serve('application/octet-stream', [0x00, 0x7f, 0x80, 0xff, 0xfe, 0x41]);
    const data = await client().get('blob');
    expect(data).toBeInstanceOf(Uint8Array);
    expect([...(data as Uint8Array)]).toEqual([0x00, 0x7f, 0x80, 0xff, 0xfe, 0x41]);
  });

  it.each([1, 4, 1000, 5000, 16_384, 70_000])(
    'gives a %d-byte body with a Content-Length as its bytes alone, written at once or in two parts',
    async (size) => {
      const bytes = Buffer.alloc(size);
      for (let i = 0; i < size; i++) bytes[i] = (i * 7 + 3) % 256;
      upstream.handle((request, response) => {
        // A header of the response's own beside the body: the socket read that carries the body carries it too.
        response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': size, 'x-internal-token': 'not-for-the-body' });
        if (request.url?.endsWith('split') !== true || size < 2) {
          response.end(bytes);
          return;
        }
        response.write(bytes.subarray(0, size >> 1));
        setTimeout(() => response.end(bytes.subarray(size >> 1)), 15);
      });
      // Bytes another part of the process put in Buffer's shared pool, where a small joined body is allocated.
      const elsewhere = Buffer.from('Bearer token-of-another-call');
      for (const path of ['whole', 'split']) {
        const data = await client().get(path, { responseType: 'bytes' });
        expect(data.byteLength).toBe(size);
        expect(Buffer.from(data).equals(bytes)).toBe(true);
      }
      expect(elsewhere.byteLength).toBeGreaterThan(0);
    },
  );

  it('gives images, PDFs and protobuf as bytes, and request() says so in data', async () => {
    serve('image/png', [0x89, 0x50, 0x4e, 0x47]);
    const response = await client().request('GET', 'logo.png');
    expect([...(response.data as Uint8Array)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
  });

  it('decodes text by the charset its content-type names', async () => {
    serve('text/plain; charset=iso-8859-1', [0x63, 0x61, 0x66, 0xe9]);
    await expect(client().get('latin1')).resolves.toBe('café');
    serve('text/plain; charset="utf-16le"', [0x68, 0x00, 0x69, 0x00]);
    await expect(client().get('utf16', { responseType: 'text' })).resolves.toBe('hi');
  });

  it('reads a body without content-type, XML and form-encoded as text', async () => {
    serve(undefined, [0x6f, 0x6b]);
    await expect(client().get('plain')).resolves.toBe('ok');
    serve('application/atom+xml', [0x3c, 0x61, 0x2f, 0x3e]);
    await expect(client().get('feed')).resolves.toBe('<a/>');
    // A +xml suffix under any top-level type (RFC 6839), not only application/ and text/.
    serve('image/svg+xml', [0x3c, 0x73, 0x2f, 0x3e]);
    await expect(client().get('icon')).resolves.toBe('<s/>');
  });

  it('parses JSON for JSON media types, *+json included', async () => {
    serve('application/vnd.api+json', [...Buffer.from('{"id":7}')]);
    await expect(client().get('doc')).resolves.toEqual({ id: 7 });
    // A +json suffix under any top-level type (RFC 6839): glTF models are JSON.
    serve('model/gltf+json', [...Buffer.from('{"asset":1}')]);
    await expect(client().get('scene')).resolves.toEqual({ asset: 1 });
  });

  it('obeys responseType over the content-type: json, text and bytes', async () => {
    serve('text/plain', [...Buffer.from('{"id":7}')]);
    await expect(client().get('x', { responseType: 'json' })).resolves.toEqual({ id: 7 });
    serve('application/json', [...Buffer.from('{"id":7}')]);
    await expect(client().get('x', { responseType: 'text' })).resolves.toBe('{"id":7}');
    const bytes = await client().get('x', { responseType: 'bytes' });
    expect(Buffer.from(bytes).toString()).toBe('{"id":7}');
  });

  it('resolves an empty body to undefined in every mode', async () => {
    serve('application/octet-stream', []);
    for (const responseType of ['auto', 'json', 'text', 'bytes'] as const) {
      await expect(client().get('empty', { responseType })).resolves.toBeUndefined();
    }
  });

  it('rejects JSON that does not parse with UpstreamInvalidResponseError, not retried', async () => {
    serve('text/plain', [...Buffer.from('not json')]);
    const error = await rejectionOf(client().get('x', { responseType: 'json' }));
    expect(error).toBeInstanceOf(UpstreamInvalidResponseError);
    expect(upstream.requests).toHaveLength(1);
  });

  it('rejects an unknown responseType, naming the option', async () => {
    const error = await rejectionOf(client().get('x', { responseType: 'blob' as 'bytes' }));
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toBe("options.responseType must be one of 'auto', 'json', 'text', 'bytes', got \"blob\"");
  });
});

describe('content codings', () => {
  function serveEncoded(times: number, body: Buffer): void {
    let encoded = body;
    for (let i = 0; i < times; i++) encoded = zlib.gzipSync(encoded);
    upstream.handle((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json', 'content-encoding': Array(times).fill('gzip').join(', '), 'content-length': encoded.length });
      response.end(encoded);
    });
  }

  it('decodes five codings, the most fetch allows', async () => {
    serveEncoded(5, Buffer.from('{"layers":5}'));
    await expect(client().get('layers')).resolves.toEqual({ layers: 5 });
  });

  it('refuses a sixth as fetch does, a network error, without decoding any', async () => {
    serveEncoded(6, Buffer.from('{"layers":6}'));
    const error = await rejectionOf(client({ retry: false }).get('layers'));
    expect(error).toBeInstanceOf(UpstreamNetworkError);
    expect(error).toMatchObject({ code: 'UPSTREAM_NETWORK_ERROR', attempts: 1 });
    expect((error as Error).message).toContain('too many content-encodings in response: 6, maximum allowed is 5');
    expect(upstream.requests).toHaveLength(1);
  });
});

describe('a body the engine cannot hold', () => {
  it('is an UpstreamInvalidResponseError, not a network error, and is not retried', async () => {
    let sent = 0;
    // V8 refuses strings past ~512 MiB (ERR_STRING_TOO_LONG): a Response whose reader throws that stands in for one.
    class UnholdableText extends Response {
      override text(): Promise<string> {
        return Promise.reject(Object.assign(new Error('Cannot create a string longer than 0x1fffffe8 characters'), { code: 'ERR_STRING_TOO_LONG' }));
      }
    }
    const fetchUnholdable: typeof fetch = () => {
      sent++;
      return Promise.resolve(new UnholdableText('x', { headers: { 'content-type': 'text/plain', 'content-length': '1' } }));
    };
    const error = await rejectionOf(createClient('https://files.test/', { logger: false, fetch: fetchUnholdable, maxResponseSize: false }).get('huge'));
    expect(error).toBeInstanceOf(UpstreamInvalidResponseError);
    expect(error).toMatchObject({ retryable: false, attempts: 1, upstreamStatus: 200 });
    expect((error as Error).message).toContain('answered 200 with a body too large to hold in memory');
    expect(sent).toBe(1);
  });
});

describe('result types follow responseType', () => {
  it('types bytes as Uint8Array, text as string, a stream as a ReadableStream of bytes', () => {
    const files = createClient('https://files.test/', { logger: false });
    // Checked by tsc only: never called, so no request goes to files.test (its rejections went unhandled).
    const checks = (): void => {
      expectTypeOf(files.get('a', { responseType: 'bytes' })).toEqualTypeOf<Promise<Uint8Array>>();
      expectTypeOf(files.post('a', { responseType: 'text' })).toEqualTypeOf<Promise<string>>();
      expectTypeOf(files.get<{ id: string }>('a')).toEqualTypeOf<Promise<{ id: string }>>();
      expectTypeOf(files.request('GET', 'a', { responseType: 'bytes' })).resolves.toHaveProperty('data').toEqualTypeOf<Uint8Array>();
      expectTypeOf(files.stream('GET', 'a')).resolves.toHaveProperty('body').toEqualTypeOf<ReadableStream<Uint8Array>>();
    };
    expectTypeOf(checks).toBeFunction();
  });
});
