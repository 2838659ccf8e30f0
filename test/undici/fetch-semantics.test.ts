import { Readable } from 'node:stream';

import { createUndiciFetch } from 'resilient-http/undici';
import { afterAll, afterEach, describe, expect, it } from 'vitest';

import { useRealServer } from '../support/real-server.js';

const upstream = useRealServer();
const undiciFetch = createUndiciFetch();
/** What the server read of each request body, in order. */
const bodies: { text: string; contentLength: string | undefined; chunked: boolean }[] = [];

afterEach(() => {
  bodies.length = 0;
});
afterAll(async () => {
  await undiciFetch.close();
});

function echoBody(): void {
  upstream.handle((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      bodies.push({
        text: Buffer.concat(chunks).toString(),
        contentLength: request.headers['content-length'],
        chunked: request.headers['transfer-encoding'] === 'chunked',
      });
      response.end('done');
    });
  });
}

describe('createUndiciFetch: what fetch does', () => {
  it('returns a real Response: status, status text, headers (repeated ones kept), body stream', async () => {
    upstream.handle((_request, response) => {
      response.writeHead(201, 'Made', [['content-type', 'application/json'], ['set-cookie', 'a=1'], ['set-cookie', 'b=2']]);
      response.end('{"id":7}');
    });
    const response = await undiciFetch(`${upstream.url}items`, { method: 'POST', body: '{}' });
    expect(response).toBeInstanceOf(Response);
    expect(response.status).toBe(201);
    expect(response.statusText).toBe('Made');
    expect(response.ok).toBe(true);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
    expect(response.body).toBeInstanceOf(ReadableStream);
    expect(await response.json()).toEqual({ id: 7 });
  });

  it('reads a Request as fetch does, init fields over the Request’s', async () => {
    echoBody();
    const request = new Request(`${upstream.url}orders?page=2`, { method: 'PUT', headers: { 'x-from': 'request' }, body: 'from request' });
    const response = await undiciFetch(request, { headers: { 'x-from': 'init' } });
    expect(await response.text()).toBe('done');
    expect(upstream.requests[0]).toMatchObject({ method: 'PUT', url: '/orders?page=2' });
    expect(upstream.requests[0]?.headers['x-from']).toBe('init');
    expect(bodies[0]?.text).toBe('from request');
  });

  it('sends a string or byte body with its content-length, and the default content-type fetch sets', async () => {
    echoBody();
    await (await undiciFetch(`${upstream.url}a`, { method: 'POST', body: 'héllo' })).text();
    await (await undiciFetch(`${upstream.url}b`, { method: 'POST', body: new TextEncoder().encode('bytes') })).text();
    await (await undiciFetch(`${upstream.url}c`, { method: 'POST', body: new URLSearchParams({ q: 'a b' }) })).text();
    expect(bodies).toEqual([
      { text: 'héllo', contentLength: '6', chunked: false },
      { text: 'bytes', contentLength: '5', chunked: false },
      { text: 'q=a+b', contentLength: '5', chunked: false },
    ]);
    expect(upstream.requests.map((request) => request.headers['content-type'])).toEqual([
      'text/plain;charset=UTF-8',
      undefined,
      'application/x-www-form-urlencoded;charset=UTF-8',
    ]);
  });

  it('streams a stream body chunked, without buffering it first', async () => {
    echoBody();
    const web = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('one,'));
        controller.enqueue(new TextEncoder().encode('two'));
        controller.close();
      },
    });
    await (await undiciFetch(`${upstream.url}web`, { method: 'POST', body: web, duplex: 'half' } as RequestInit)).text();
    await (await undiciFetch(`${upstream.url}node`, { method: 'POST', body: Readable.from(['three,', 'four']) as never, duplex: 'half' } as RequestInit)).text();
    expect(bodies).toEqual([
      { text: 'one,two', contentLength: undefined, chunked: true },
      { text: 'three,four', contentLength: undefined, chunked: true },
    ]);
  });

  it('encodes FormData and Blob bodies as fetch does (multipart boundary in content-type)', async () => {
    echoBody();
    const form = new FormData();
    form.set('name', 'Ada');
    await (await undiciFetch(`${upstream.url}form`, { method: 'POST', body: form })).text();
    await (await undiciFetch(`${upstream.url}blob`, { method: 'POST', body: new Blob(['blob!'], { type: 'text/x-blob' }) })).text();
    expect(upstream.requests[0]?.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    expect(bodies[0]?.text).toContain('name="name"');
    expect(bodies[0]?.text).toContain('Ada');
    expect(upstream.requests[1]?.headers['content-type']).toBe('text/x-blob');
    expect(bodies[1]).toEqual({ text: 'blob!', contentLength: '5', chunked: false });
  });

  it('returns a redirect as it is and never follows it', async () => {
    upstream.handle((_request, response) => {
      response.writeHead(302, { location: 'http://127.0.0.1:1/elsewhere' });
      response.end('moved');
    });
    const response = await undiciFetch(`${upstream.url}old`, { redirect: 'manual' });
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('http://127.0.0.1:1/elsewhere');
    expect(await response.text()).toBe('moved');
    expect(upstream.requests).toHaveLength(1);
  });

  it('gives HEAD, 204 and 304 answers a null body', async () => {
    upstream.handle((request, response) => {
      response.writeHead(request.url === '/gone' ? 204 : request.url === '/same' ? 304 : 200, { 'content-length': '0' });
      response.end();
    });
    for (const [path, method] of [['gone', 'DELETE'], ['same', 'GET'], ['meta', 'HEAD']] as const) {
      const response = await undiciFetch(`${upstream.url}${path}`, { method });
      expect(response.body).toBeNull();
    }
  });

  it('reuses keep-alive connections: 100 sequential calls on one socket', async () => {
    upstream.handle((_request, response) => response.end('{"ok":true}'));
    for (let i = 0; i < 100; i++) await (await undiciFetch(`${upstream.url}ping`)).json();
    expect(upstream.connections).toBe(1);
  });

  it('refuses what fetch refuses, before sending: a body on GET, a non-http URL', async () => {
    await expect(undiciFetch(`${upstream.url}x`, { method: 'GET', body: 'no' })).rejects.toThrow(TypeError);
    await expect(undiciFetch('file:///etc/passwd')).rejects.toThrow(TypeError);
    expect(upstream.requests).toHaveLength(0);
  });

  it.each([
    [{ connections: 0 }, /connections must be an integer >= 1/],
    [{ allowH2: 'yes' }, /allowH2 must be a boolean/],
    [{ pool: 3 }, /pool is not a known option/],
    [{ dispatcher: {} }, /dispatcher must be an undici Dispatcher/],
  ])('refuses bad options with a TypeError naming the option: %o', (options, message) => {
    expect(() => createUndiciFetch(options as never)).toThrow(TypeError);
    expect(() => createUndiciFetch(options as never)).toThrow(message);
  });
});
