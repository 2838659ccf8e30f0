import * as zlib from 'node:zlib';

import { createUndiciFetch } from 'resilient-http/undici';
import { createClient, UpstreamNetworkError } from 'resilient-http';
import { afterAll, describe, expect, it } from 'vitest';

import { upstreamFailure } from '../support/rejection.js';
import { useRealServer } from '../support/real-server.js';

const TEXT = JSON.stringify({ items: Array.from({ length: 200 }, (_unused, i) => ({ id: i, name: `item ${String(i)}` })) });
const zstd = (zlib as { zstdCompressSync?: (data: string) => Buffer }).zstdCompressSync;

const ENCODED: [coding: string, encode: (data: string) => Buffer][] = [
  ['gzip', (data) => zlib.gzipSync(data)],
  ['x-gzip', (data) => zlib.gzipSync(data)],
  ['deflate', (data) => zlib.deflateSync(data)],
  ['deflate (raw, as some servers send it)', (data) => zlib.deflateRawSync(data)],
  ['br', (data) => zlib.brotliCompressSync(data)],
  ['gzip, br', (data) => zlib.brotliCompressSync(zlib.gzipSync(data))],
];
if (zstd !== undefined) ENCODED.push(['zstd', zstd]);

const upstream = useRealServer();
const undiciFetch = createUndiciFetch();

afterAll(async () => {
  await undiciFetch.close();
});

function serve(coding: string, body: Buffer): void {
  upstream.handle((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json', 'content-encoding': coding.split(' (')[0] ?? coding });
    response.end(body);
  });
}

describe('createUndiciFetch decodes response bodies as fetch does', () => {
  it.each(ENCODED)('decodes %s', async (coding, encode) => {
    serve(coding, encode(TEXT));
    const response = await undiciFetch(`${upstream.url}items`);
    expect(await response.text()).toBe(TEXT);
  });

  it('asks for the codings fetch asks for', async () => {
    upstream.handle((_request, response) => response.end());
    await (await undiciFetch(`${upstream.url}items`)).text();
    expect(upstream.requests.at(-1)?.headers['accept-encoding']).toBe('gzip, deflate');
  });

  it('leaves a body in an unknown coding as it came', async () => {
    serve('x-custom', Buffer.from('opaque'));
    expect(await (await undiciFetch(`${upstream.url}items`)).text()).toBe('opaque');
  });

  it('decodes through createClient: the parsed JSON comes back', async () => {
    serve('gzip', zlib.gzipSync(TEXT));
    const client = createClient(upstream.url, { logger: false, fetch: undiciFetch });
    expect(await client.get('items')).toEqual(JSON.parse(TEXT));
  });

  it('turns a corrupt encoded body into a typed network failure with the zlib code', async () => {
    serve('gzip', Buffer.from('this is not gzip at all'));
    const client = createClient(upstream.url, { logger: false, fetch: undiciFetch, retry: false });
    const error = await upstreamFailure(client.get('items'));
    expect(error).toBeInstanceOf(UpstreamNetworkError);
    expect(error.systemCode).toBe('Z_DATA_ERROR');
  });
});
