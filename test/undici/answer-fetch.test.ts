import { createClient, UpstreamHttpError, UpstreamTimeoutError } from 'resilient-http';
import { createUndiciFetch } from 'resilient-http/undici';
import { afterAll, describe, expect, it } from 'vitest';

import { useRealServer } from '../support/real-server.js';

const upstream = useRealServer();
const undiciFetch = createUndiciFetch();
afterAll(async () => {
  await undiciFetch.close();
});

function ledger(options: { attempt?: number } = {}) {
  return createClient(upstream.url, {
    name: 'ledger',
    logger: false,
    fetch: undiciFetch,
    circuitBreaker: false,
    retry: false,
    timeout: { attempt: options.attempt ?? 5_000 },
  });
}

/** A JSON document of about `size` bytes, whose every byte the test can check. */
function document(size: number): { items: string[] } {
  const items: string[] = [];
  for (let index = 0, length = 0; length < size; index++) {
    const item = `item-${String(index).padStart(8, '0')}-€`;
    items.push(item);
    length += item.length + 4;
  }
  return { items };
}

describe('createClient over createUndiciFetch(): the answer read without a Response', () => {
  it('reads a 900 KB JSON body whole, byte for byte, past the 64 KiB the socket pauses at unread', async () => {
    const expected = document(900 * 1024);
    const text = JSON.stringify(expected);
    upstream.handle((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
      // Written in pieces, so the body arrives in many chunks.
      for (let offset = 0; offset < text.length; offset += 10_000) response.write(text.slice(offset, offset + 10_000));
      response.end();
    });
    await expect(ledger().get('big')).resolves.toEqual(expected);
  });

  it('streams the same body, byte for byte, when stream() asks for it', async () => {
    const text = JSON.stringify(document(300 * 1024));
    upstream.handle((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
      response.end(text);
    });
    const streamed = await ledger().stream('GET', 'big');
    expect(await new Response(streamed.body).text()).toBe(text);
  });

  it('answers a status above 599 as the global fetch does, and fails only as a Response, which cannot carry it', async () => {
    upstream.handle((_request, response) => {
      response.writeHead(600, 'Odd');
      response.end('?');
    });
    const error: unknown = await ledger().get('odd').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UpstreamHttpError);
    expect(error).toMatchObject({ service: 'ledger', upstreamStatus: 600, attempts: 1 });
    await expect(undiciFetch(`${upstream.url}odd`)).rejects.toThrow(new TypeError('fetch failed'));
  });

  it('ends a body read whole that stalls after its headers at the attempt timeout, and closes its socket', async () => {
    upstream.handle((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
      response.write('{"items":[');
    });
    const error: unknown = await ledger({ attempt: 100 }).get('stalls').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UpstreamTimeoutError);
    expect(error).toMatchObject({ timeoutKind: 'attempt', timeoutMs: 100, attempts: 1 });
    await expect(upstream.requests[0]?.closedEarly).resolves.toBe(true);
  });
});
