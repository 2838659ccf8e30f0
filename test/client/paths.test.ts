import { createClient } from 'resilient-http';
import type { Client, SearchParamsInit } from 'resilient-http';
import { beforeAll, describe, expect, it } from 'vitest';

import { useRealServer } from '../support/real-server.js';
import { rejectionOf } from '../support/rejection.js';

// A real server: what matters is the request line on the wire, byte for byte.
const upstream = useRealServer((_request, response) => {
  response.writeHead(200, { 'content-type': 'application/json' });
  response.end('{"ok":true}');
});
let client: Client;

beforeAll(() => {
  client = createClient(`${upstream.url}api/v1`, { logger: false, retry: false, circuitBreaker: false });
});

/** The request line's target of the only request sent. */
function sentTarget(): string {
  expect(upstream.requests).toHaveLength(1);
  return upstream.requests[0]?.url ?? '';
}

async function rejection(call: Promise<unknown>): Promise<TypeError> {
  const error = await rejectionOf(call);
  expect(error).toBeInstanceOf(TypeError);
  return error as TypeError;
}

describe('paths stay inside the base URL', () => {
  it.each([
    ['an absolute URL', 'https://evil.test/x'],
    ['an absolute URL to the same host', `http://127.0.0.1/api/v1/x`],
    ['a scheme-relative URL', '//evil.test/x'],
    ['a scheme without slashes', 'http:evil.test'],
    ['a javascript: URL', 'javascript:alert(1)'],
    ['dot-segments climbing above the base', '../../admin'],
    ['dot-segments after a segment', 'users/../../admin'],
    ['a leading slash and dot-segments', '/../admin'],
    ['percent-encoded dot-segments', '%2e%2e/%2e%2e/admin'],
    ['upper-case percent-encoded dot-segments', '%2E%2E/admin'],
    ['mixed dot-segments', '.%2e/admin'],
    ['two backslashes', '\\\\evil.test\\x'],
    ['a slash and a backslash', '/\\evil.test/x'],
    ['backslash dot-segments', '..\\..\\admin'],
    ['whitespace before a scheme-relative URL', ' //evil.test/x'],
  ])('refuses %s (%j) with a TypeError and sends nothing', async (_what, path) => {
    const error = await rejection(client.get(path));
    expect(error.message).toMatch(/^path /);
    expect(upstream.requests).toHaveLength(0);
  });

  it('names the path and the base URL in the error', async () => {
    const error = await rejection(client.get('../../admin'));
    expect(error.message).toBe(`path "../../admin" resolves outside the base URL ${upstream.url}api/v1/`);
  });

  it('keeps a leading slash under the base path', async () => {
    await client.get('/users');
    expect(sentTarget()).toBe('/api/v1/users');
  });

  it('allows dot-segments that stay inside the base path', async () => {
    await client.get('users/../orders');
    expect(sentTarget()).toBe('/api/v1/orders');
  });

  it('sends an empty path to the base URL itself', async () => {
    await client.get('');
    expect(sentTarget()).toBe('/api/v1/');
  });
});

describe('params', () => {
  it('fills {id} with the value percent-encoded, so "../admin" stays one segment', async () => {
    await client.get('users/{id}', { params: { id: '../admin' } });
    expect(sentTarget()).toBe('/api/v1/users/..%2Fadmin');
  });

  it('encodes query and fragment characters in a value', async () => {
    await client.get('users/{id}/orders', { params: { id: 'a?b=1#c d' } });
    expect(sentTarget()).toBe('/api/v1/users/a%3Fb%3D1%23c%20d/orders');
  });

  it('encodes a percent sign, so an encoded dot-segment cannot be smuggled in', async () => {
    await client.get('users/{id}', { params: { id: '%2e%2e' } });
    expect(sentTarget()).toBe('/api/v1/users/%252e%252e');
  });

  it('fills several placeholders, numbers included', async () => {
    await client.get('users/{user}/orders/{order}', { params: { user: 'ann', order: 42 } });
    expect(sentTarget()).toBe('/api/v1/users/ann/orders/42');
  });

  it('rejects a missing param with a TypeError naming it, and sends nothing', async () => {
    const error = await rejection(client.get('users/{id}', { params: { other: '1' } }));
    expect(error.message).toBe('params.id is required by path "users/{id}"');
    expect(upstream.requests).toHaveLength(0);
  });

  it.each(['.', '..', ''])('rejects the value %j, which would be a dot-segment or empty, and sends nothing', async (id) => {
    const error = await rejection(client.get('users/{id}', { params: { id } }));
    expect(error.message).toContain('params.id must not be empty, "." or ".."');
    expect(upstream.requests).toHaveLength(0);
  });

  it('rejects a value that is neither string nor number', async () => {
    const error = await rejection(client.get('users/{id}', { params: { id: { toString: () => 'x' } } as never }));
    expect(error.message).toBe('params.id must be a string or number, got object');
    expect(upstream.requests).toHaveLength(0);
  });
});

describe('searchParams', () => {
  it.each<[string, SearchParamsInit, string]>([
    ['an object', { q: 'a b&c', page: 2, draft: false, skip: undefined }, '?q=a+b%26c&page=2&draft=false'],
    ['a string', 'q=a+b&page=2', '?q=a+b&page=2'],
    ['a string with a leading "?"', '?q=1', '?q=1'],
    ['URLSearchParams', new URLSearchParams([['tag', 'x'], ['tag', 'y']]), '?tag=x&tag=y'],
    ['an array of pairs', [['tag', 'x'], ['tag', 'y']], '?tag=x&tag=y'],
  ])('appends %s to the query', async (_what, searchParams, query) => {
    await client.get('items', { searchParams });
    expect(sentTarget()).toBe(`/api/v1/items${query}`);
  });

  it('appends to a query already in the path', async () => {
    await client.get('items?sort=asc', { searchParams: { page: 1 } });
    expect(sentTarget()).toBe('/api/v1/items?sort=asc&page=1');
  });

  it('rejects a value that is not a string, number or boolean, and sends nothing', async () => {
    const error = await rejection(client.get('items', { searchParams: { q: ['a'] } as never }));
    expect(error.message).toBe('searchParams.q must be a string, number or boolean, got object');
    expect(upstream.requests).toHaveLength(0);
  });
});
