import { createClient } from 'resilient-http';
import type { Client } from 'resilient-http';
import { beforeAll, describe, expect, it } from 'vitest';

import { useRealServer } from '../support/real-server.js';
import { rejectionOf } from '../support/rejection.js';

// Pagination `Link` headers carry absolute URLs: the request line on the wire is what matters.
const upstream = useRealServer((_request, response) => {
  response.writeHead(200, { 'content-type': 'application/json' });
  response.end('[]');
});
let client: Client;
let base = '';

beforeAll(() => {
  base = `${upstream.url}api/`;
  client = createClient(base, { logger: false, retry: false, circuitBreaker: false });
});

function sentTargets(): string[] {
  return upstream.requests.map((request) => request.url ?? '');
}

describe('absolute URLs (pagination links)', () => {
  it('accepts an absolute URL with the base URL\'s origin, under its path', async () => {
    const answer = await client.request('GET', `${base}invoices?page=2`);
    expect(answer.status).toBe(200);
    expect(sentTargets()).toEqual(['/api/invoices?page=2']);
  });

  it('accepts the base URL itself and normalises dot-segments that stay under it', async () => {
    await client.get(base);
    await client.get(`${base}a/../invoices`);
    expect(sentTargets()).toEqual(['/api/', '/api/invoices']);
  });

  it('combines the link\'s query with searchParams: same names replaced, others added', async () => {
    await client.get(`${base}invoices?page=2&limit=50&tag=a&tag=b`, { searchParams: { limit: 10, status: 'open' } });
    expect(sentTargets()).toEqual(['/api/invoices?page=2&tag=a&tag=b&limit=10&status=open']);
  });

  it.each([
    ['another host', () => 'http://evil.test/api/invoices'],
    ['another port', () => `http://127.0.0.1:1/api/invoices`],
    ['another scheme', () => base.replace('http:', 'https:') + 'invoices'],
    ['a path outside the base', () => `${upstream.url}admin`],
    ['the base path without its slash', () => `${upstream.url}api`],
    ['a sibling path sharing the prefix', () => `${upstream.url}api2/x`],
    ['dot-segments climbing out', () => `${base}../admin`],
    ['encoded dot-segments climbing out', () => `${base}%2e%2e/admin`],
    ['user-info', () => base.replace('http://', 'http://user:pw@') + 'invoices'],
    ['a scheme-relative URL', () => base.replace('http:', '') + 'invoices'],
  ])('refuses %s with a TypeError, sending nothing', async (_what, url) => {
    const error = await rejectionOf(client.get(url()));
    expect(error).toBeInstanceOf(TypeError);
    expect((error as TypeError).message).toMatch(/^path /);
    expect(error instanceof TypeError && error.message).not.toContain('pw');
    expect(upstream.requests).toHaveLength(0);
  });
});
