import { randomBytes } from 'node:crypto';
import { setTimeout as wait } from 'node:timers/promises';

import {
  createClient,
  UpstreamAbortedError,
  UpstreamConcurrencyLimitError,
  UpstreamError,
  UpstreamInvalidResponseError,
  UpstreamNetworkError,
  UpstreamNotFoundError,
  UpstreamResponseTooLargeError,
  UpstreamTimeoutError,
} from 'resilient-http';
import type { ClientOptions } from 'resilient-http';
import { describe, expect, it, vi } from 'vitest';

import { rangeResource, sendLarge, tally } from '../support/body-server.js';
import { capturePino } from '../support/pino-capture.js';
import { useRealServer } from '../support/real-server.js';
import { untilReal } from '../support/real-time.js';
import { rejectionOf } from '../support/rejection.js';

// Streams live in the socket: a real server on 127.0.0.1 sees what was read, cut and closed.
const upstream = useRealServer();
const MiB = 1024 * 1024;

function client(options: ClientOptions = {}) {
  return createClient(upstream.url, { name: 'files', logger: false, retry: { initialDelay: 1 }, ...options });
}

async function readAll(body: ReadableStream<Uint8Array>): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of body) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** Reads the stream to its end and returns what it failed with. */
async function failureOf(body: ReadableStream<Uint8Array>): Promise<UpstreamError> {
  const error = await rejectionOf(readAll(body));
  expect(error).toBeInstanceOf(UpstreamError);
  return error as UpstreamError;
}

describe('client.stream() hands the body over as it arrives', () => {
  it('resolves at the headers and delivers every byte in order', async () => {
    const data = randomBytes(3 * MiB);
    upstream.handle((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/octet-stream' });
      response.end(data);
    });
    const { status, headers, body } = await client().stream('GET', 'export');
    expect(status).toBe(200);
    expect(headers.get('content-type')).toBe('application/octet-stream');
    expect((await readAll(body)).equals(data)).toBe(true);
  });

  it('reads only as fast as the caller: an unread stream holds a few buffers, not the body', async () => {
    const wrote = tally();
    upstream.handle((_request, response) => {
      sendLarge(response, 256 * MiB, wrote);
    });
    const { body } = await client().stream('GET', 'huge');
    const reader = body.getReader();
    await reader.read();
    // The server fills the socket and the client's few buffers, then waits for drain.
    let last = -1;
    await untilReal(() => {
      const settled = wrote.decoded === last && wrote.decoded > 0;
      last = wrote.decoded;
      return settled;
    }, 'the server to be held by backpressure');
    expect(wrote.decoded).toBeLessThan(32 * MiB);
    await reader.cancel();
    expect(await upstream.requests[0]?.closedEarly).toBe(true);
    expect(wrote.finished).toBe(false);
  });

  it('retries a 503 before the headers, then streams the 200', async () => {
    upstream.handle((_request, response, seen) => {
      if (seen === 1) {
        response.writeHead(503).end();
        return;
      }
      response.writeHead(200, { 'content-type': 'text/plain' }).end('done');
    });
    const { body } = await client().stream('GET', 'x');
    expect((await readAll(body)).toString()).toBe('done');
    expect(upstream.requests).toHaveLength(2);
  });

  it('rejects a non-2xx answer with its typed error, as every method does', async () => {
    upstream.handle((_request, response) => response.writeHead(404, { 'content-type': 'text/plain' }).end('no such export'));
    const error = await rejectionOf(client().stream('GET', 'missing'));
    expect(error).toBeInstanceOf(UpstreamNotFoundError);
    expect(error).toMatchObject({ upstreamStatus: 404, responseBody: 'no such export' });
  });

  it('closes the socket when the caller cancels the body, and ends the call as answered', async () => {
    const wrote = tally();
    upstream.handle((_request, response) => {
      sendLarge(response, 64 * MiB, wrote);
    });
    const logs = capturePino();
    const { body } = await client({ logger: logs.logger }).stream('GET', 'big');
    const reader = body.getReader();
    await reader.read();
    await reader.cancel();
    expect(await upstream.requests[0]?.closedEarly).toBe(true);
    expect(logs.named('upstream_request_failed')).toEqual([]);
    expect(logs.named('upstream_response')).toHaveLength(1);
  });

  it('fails a stalled body with an idle timeout (no validator: nothing to resume from)', async () => {
    upstream.handle((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/octet-stream' });
      response.write(Buffer.alloc(1000));
    });
    const { body } = await client({ timeout: { idle: 100 } }).stream('GET', 'stall');
    const error = await failureOf(body);
    expect(error).toBeInstanceOf(UpstreamTimeoutError);
    expect(error).toMatchObject({ timeoutKind: 'idle', timeoutMs: 100, attempts: 1 });
    expect(await upstream.requests[0]?.closedEarly).toBe(true);
  });

  it('bounds the whole body by the total timeout', async () => {
    upstream.handle((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/octet-stream' });
      const timer = setInterval(() => response.write('x'), 20);
      response.on('close', () => { clearInterval(timer); });
    });
    const { body } = await client({ timeout: { total: 300, idle: 1000 } }).stream('GET', 'trickle');
    const error = await failureOf(body);
    expect(error).toMatchObject({ code: 'UPSTREAM_TIMEOUT', timeoutKind: 'total', timeoutMs: 300 });
    expect(await upstream.requests[0]?.closedEarly).toBe(true);
  });

  it('cancels on the call signal mid-body, even while nobody reads', async () => {
    const controller = new AbortController();
    const wrote = tally();
    upstream.handle((_request, response) => {
      sendLarge(response, 64 * MiB, wrote);
    });
    const { body } = await client().stream('GET', 'big', { signal: controller.signal });
    controller.abort();
    expect(await upstream.requests[0]?.closedEarly).toBe(true);
    const error = await failureOf(body);
    expect(error).toBeInstanceOf(UpstreamAbortedError);
  });

  it('raises a mid-body network failure as UpstreamNetworkError, never a raw TypeError', async () => {
    upstream.handle((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/octet-stream' });
      response.write(Buffer.alloc(4096), () => response.socket?.destroy());
    });
    const { body } = await client().stream('GET', 'cut');
    const error = await failureOf(body);
    expect(error).toBeInstanceOf(UpstreamNetworkError);
    expect(upstream.requests).toHaveLength(1);
  });

  it('applies a per-call maxResponseSize to the stream, and a Content-Length above it rejects stream() itself', async () => {
    upstream.handle((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/octet-stream' });
      response.end(Buffer.alloc(3 * MiB));
    });
    const { body } = await client().stream('GET', 'x', { maxResponseSize: MiB });
    const error = await failureOf(body);
    expect(error).toBeInstanceOf(UpstreamResponseTooLargeError);
    expect(error).toMatchObject({ limit: MiB });

    upstream.handle((_request, response) => {
      response.writeHead(200, { 'content-length': String(3 * MiB) });
      response.end(Buffer.alloc(3 * MiB));
    });
    const early = await rejectionOf(client().stream('GET', 'y', { maxResponseSize: MiB }));
    expect(early).toBeInstanceOf(UpstreamResponseTooLargeError);
    expect(early).toMatchObject({ declaredBytes: 3 * MiB, receivedBytes: 0 });
    // Without a per-call limit, a stream is not bounded by the client's.
    const { body: unbounded } = await client({ maxResponseSize: MiB }).stream('GET', 'y');
    expect((await readAll(unbounded)).length).toBe(3 * MiB);
  });

  it('holds its bulkhead slot until the body ends', async () => {
    const wrote = tally();
    upstream.handle((_request, response) => {
      sendLarge(response, 8 * MiB, wrote);
    });
    const limited = client({ bulkhead: { limit: 1 } });
    const first = await limited.stream('GET', 'a');
    const refused = await rejectionOf(limited.get('b'));
    expect(refused).toBeInstanceOf(UpstreamConcurrencyLimitError);
    expect((await readAll(first.body)).length).toBe(8 * MiB);
    await untilReal(() => true, 'a turn');
    const second = await limited.stream('GET', 'c');
    await second.body.cancel();
    expect(upstream.requests.map((request) => request.url)).toEqual(['/a', '/c']);
  });

  it('refuses responseType and schema, which do not apply to a stream', async () => {
    const error = await rejectionOf(client().stream('GET', 'x', { responseType: 'bytes' }));
    expect(error).toBeInstanceOf(TypeError);
    expect(upstream.requests).toHaveLength(0);
  });
});

describe('a broken download resumes where it stopped', () => {
  const data = randomBytes(2 * MiB);

  it('resumes after a cut with Range and If-Range, the caller reading every byte once', async () => {
    upstream.handle(rangeResource(data, (n) => ({ cutAfter: n === 1 ? 700_000 : undefined })));
    const logs = capturePino();
    const { body } = await client({ logger: logs.logger }).stream('GET', 'file.bin', { requestId: 'req-resume-1' });
    expect((await readAll(body)).equals(data)).toBe(true);
    const [first, second] = upstream.requests;
    expect(upstream.requests).toHaveLength(2);
    expect(first?.headers.range).toBeUndefined();
    expect(second?.headers.range).toMatch(/^bytes=\d+-$/);
    expect(second?.headers['if-range']).toBe('"v1"');
    expect(second?.headers['x-request-id']).toBe('req-resume-1');
    const retries = logs.named('upstream_retry');
    expect(retries).toHaveLength(1);
    expect(retries[0]).toMatchObject({ reason: 'resume', requestId: 'req-resume-1', attempt: 1 });
    expect(logs.named('upstream_response')[0]).toMatchObject({ attempts: 2 });
  });

  it('resumes after a stall (idle timeout)', async () => {
    upstream.handle(rangeResource(data, (n) => ({ stallAfter: n === 1 ? 300_000 : undefined })));
    const { body } = await client({ timeout: { idle: 150 } }).stream('GET', 'file.bin');
    expect((await readAll(body)).equals(data)).toBe(true);
    expect(upstream.requests).toHaveLength(2);
    expect(await upstream.requests[0]?.closedEarly).toBe(true);
  });

  it('uses Last-Modified when there is no strong ETag', async () => {
    const lastModified = 'Tue, 01 Dec 2026 10:00:00 GMT';
    upstream.handle(rangeResource(data, (n) => ({ cutAfter: n === 1 ? 100_000 : undefined }), { etag: 'W/"weak"', lastModified }));
    const { body } = await client().stream('GET', 'file.bin');
    expect((await readAll(body)).equals(data)).toBe(true);
    expect(upstream.requests[1]?.headers['if-range']).toBe(lastModified);
  });

  it('never mixes two representations: a 200 to the range request fails the stream', async () => {
    upstream.handle(rangeResource(data, (n) => (n === 1 ? { cutAfter: 500_000 } : { ignoreRange: true })));
    const { body } = await client().stream('GET', 'file.bin');
    const reader = body.getReader();
    let delivered = 0;
    let failure: unknown;
    for (;;) {
      try {
        const { done, value } = await reader.read();
        if (done) break;
        delivered += value.byteLength;
      } catch (error) {
        failure = error;
        break;
      }
    }
    expect(failure).toBeInstanceOf(UpstreamInvalidResponseError);
    expect((failure as Error).message).toContain('answered 200 to a range request');
    expect(delivered).toBeLessThan(data.length);
    expect(upstream.requests).toHaveLength(2);
  });

  it.each([
    ['another ETag', { etag: '"v2"' }],
    ['another Last-Modified', { 'last-modified': 'Wed, 02 Dec 2026 10:00:00 GMT' }],
    ['a content coding', { 'content-encoding': 'gzip' }],
  ])('never mixes two representations: a 206 with %s fails the stream', async (_case, brokenRange) => {
    const lastModified = 'Tue, 01 Dec 2026 10:00:00 GMT';
    upstream.handle(rangeResource(data, (n) => (n === 1 ? { cutAfter: 500_000 } : { brokenRange }), { lastModified }));
    const { body } = await client().stream('GET', 'file.bin');
    const error = await failureOf(body);
    expect(error).toBeInstanceOf(UpstreamInvalidResponseError);
    expect(error.message).toContain('the download cannot resume');
    expect(upstream.requests).toHaveLength(2);
    // Ranges count the bytes as sent: the resume asks for them without a content coding.
    expect(upstream.requests[1]?.headers['accept-encoding']).toBe('identity');
  });

  it('sends no range request once the caller cancels the body during the resume’s backoff', async () => {
    upstream.handle(rangeResource(data, (n) => ({ cutAfter: n === 1 ? 500_000 : undefined })));
    // Full jitter near its top: the resume waits ~400 ms before its range request.
    const random = vi.spyOn(Math, 'random').mockReturnValue(0.99);
    try {
      const logs = capturePino();
      const { body } = await client({ logger: logs.logger, retry: { initialDelay: 400 } }).stream('GET', 'file.bin');
      const reader = body.getReader();
      const reading = (async () => {
        for (;;) if ((await reader.read()).done) return;
      })();
      await vi.waitFor(() => {
        expect(logs.named('upstream_retry')).toHaveLength(1);
      });
      await reader.cancel();
      await reading;
      await wait(600); // past the backoff: a range request would have gone out by now
      expect(upstream.requests).toHaveLength(1);
      expect(logs.named('upstream_response')).toHaveLength(1);
    } finally {
      random.mockRestore();
    }
  });

  it('counts each resume as an attempt: a body cut every time fails after maxAttempts', async () => {
    upstream.handle(rangeResource(data, () => ({ cutAfter: 50_000 })));
    const { body } = await client({ retry: { initialDelay: 1, maxAttempts: 3 } }).stream('GET', 'file.bin');
    const error = await failureOf(body);
    expect(error).toBeInstanceOf(UpstreamNetworkError);
    expect(error.attempts).toBe(3);
    expect(upstream.requests).toHaveLength(3);
  });

  it('resumes through the credentials layer: the resume carries the token, the Range and the signature', async () => {
    upstream.handle(rangeResource(data, (n) => ({ cutAfter: n === 1 ? 200_000 : undefined })));
    const signed: string[] = [];
    const { body } = await client({
      auth: { token: () => 'tok-1' },
      beforeAttempt: ({ headers }) => {
        signed.push(headers.get('range') ?? 'none');
      },
    }).stream('GET', 'file.bin');
    expect((await readAll(body)).equals(data)).toBe(true);
    expect(upstream.requests.map((request) => request.headers.authorization)).toEqual(['Bearer tok-1', 'Bearer tok-1']);
    expect(upstream.requests[1]?.headers.range).toMatch(/^bytes=\d+-$/);
    expect(signed).toEqual(['none', upstream.requests[1]?.headers.range]);
  });

  it('does not resume an answer without Accept-Ranges or a validator', async () => {
    upstream.handle(rangeResource(data, () => ({ cutAfter: 50_000 }), { etag: false }));
    const { body } = await client().stream('GET', 'file.bin');
    expect(await failureOf(body)).toBeInstanceOf(UpstreamNetworkError);
    expect(upstream.requests).toHaveLength(1);
  });
});
