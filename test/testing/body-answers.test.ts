import { createClient, UpstreamNetworkError, UpstreamResponseTooLargeError, UpstreamTimeoutError } from 'resilient-http';
import { cutBody, mockUpstream, oversizedBody, tricklingBody } from 'resilient-http/testing';
import { afterEach, describe, expect, it } from 'vitest';

import { server, useMsw } from '../../mocks/server.js';
import { rejectionOf } from '../support/rejection.js';

useMsw();
const files = mockUpstream('https://files.test/');
afterEach(() => {
  files.reset();
});
const MiB = 1024 * 1024;

function client() {
  return createClient(files.baseUrl, { name: 'files', logger: false, retry: { initialDelay: 1 } });
}

async function readAll(body: ReadableStream<Uint8Array>): Promise<number> {
  let size = 0;
  for await (const chunk of body) size += chunk.byteLength;
  return size;
}

describe('body answers of the test kit', () => {
  it('oversizedBody trips maxResponseSize once, reading just past the limit', async () => {
    server.use(files.always('get', 'export', oversizedBody(64 * MiB)));
    const error = await rejectionOf(client().get('export', { maxResponseSize: MiB }));
    expect(error).toBeInstanceOf(UpstreamResponseTooLargeError);
    expect(error).toMatchObject({ limit: MiB });
    expect((error as UpstreamResponseTooLargeError).receivedBytes).toBeLessThanOrEqual(MiB + 64 * 1024);
    expect(files.calls).toHaveLength(1);
  });

  it('oversizedBody with declareLength is refused from its Content-Length, nothing read', async () => {
    server.use(files.always('get', 'export', oversizedBody(64 * MiB, { declareLength: true })));
    const error = await rejectionOf(client().get('export'));
    expect(error).toMatchObject({ code: 'UPSTREAM_RESPONSE_TOO_LARGE', declaredBytes: 64 * MiB, receivedBytes: 0 });
  });

  it('cutBody fails a read mid-body as a network error, retried like one', async () => {
    server.use(files.always('get', 'export', cutBody(MiB, 4096)));
    const error = await rejectionOf(client().get('export'));
    expect(error).toBeInstanceOf(UpstreamNetworkError);
    expect(error).toMatchObject({ systemCode: 'UND_ERR_SOCKET', attempts: 3 });
    expect(files.calls).toHaveLength(3);
  });

  it('cutBody with ranges headers lets stream() resume... only on a real server: under msw it fails typed', async () => {
    server.use(files.always('get', 'export', cutBody(MiB, 4096)));
    const { body } = await client().stream('GET', 'export');
    const error = await rejectionOf(readAll(body));
    expect(error).toBeInstanceOf(UpstreamNetworkError);
  });

  it('tricklingBody stalls a stream into an idle timeout', async () => {
    server.use(files.always('get', 'export', tricklingBody(1024, { chunkBytes: 16, intervalMs: 'infinite' })));
    const { body } = await createClient(files.baseUrl, { logger: false, timeout: { idle: 50 } }).stream('GET', 'export');
    const error = await rejectionOf(readAll(body));
    expect(error).toBeInstanceOf(UpstreamTimeoutError);
    expect(error).toMatchObject({ timeoutKind: 'idle', timeoutMs: 50 });
  });

  it('tricklingBody at a steady pace delivers the whole body', async () => {
    server.use(files.always('get', 'export', tricklingBody(new Uint8Array([1, 2, 3, 4, 5]), { chunkBytes: 2, intervalMs: 1 })));
    const bytes = await client().get('export');
    expect([...(bytes as Uint8Array)]).toEqual([1, 2, 3, 4, 5]);
  });
});
