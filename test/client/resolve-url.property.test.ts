// Internals: URL resolution is property-tested on its own, thousands of cases without a server.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { resolveUrl } from '../../src/client/resolve-url.js';

const BASE = new URL('https://billing.test/api/v1/');

/** Path pieces that attack the base: dot-segments, slashes, backslashes, schemes, encodings, hosts. */
const piece = fc.oneof(
  fc.constantFrom('..', '.', '/', '//', '\\', '%2e%2e', '%2E.', '.%2e', '%2f', '%5c', '?', '#', '@', 'http:', 'https://evil.test', 'javascript:', ':', '~', ' '),
  fc.stringMatching(/^[a-z0-9]{1,6}$/),
  fc.string({ maxLength: 4 }),
);
const path = fc.array(piece, { maxLength: 8 }).map((pieces) => pieces.join(''));

function resolved(run: () => string): URL | 'refused' {
  try {
    return new URL(run());
  } catch (error) {
    expect(error).toBeInstanceOf(TypeError);
    return 'refused';
  }
}

describe('property: no generated path or param escapes the base URL', () => {
  it('resolves any path under the base URL, or refuses it with a TypeError', () => {
    fc.assert(
      fc.property(path, (generated) => {
        const url = resolved(() => resolveUrl(BASE, generated, undefined, undefined));
        if (url === 'refused') return;
        expect(url.origin).toBe(BASE.origin);
        expect(url.pathname.startsWith(BASE.pathname)).toBe(true);
        expect(url.username + url.password).toBe('');
      }),
      { seed: 7, numRuns: 2_000 },
    );
  });

  it('gives the same URL on the fast path (plain paths) as the URL parser does', () => {
    fc.assert(
      fc.property(path, (generated) => {
        const url = resolved(() => resolveUrl(BASE, generated, undefined, undefined));
        if (url === 'refused') return;
        const relative = generated.startsWith('/') ? generated.slice(1) : generated;
        expect(url.href).toBe(new URL(relative, BASE).href);
      }),
      { seed: 9, numRuns: 2_000 },
    );
  });

  it('keeps any param value inside its own path segment, adding no segment, query or fragment', () => {
    fc.assert(
      fc.property(fc.oneof(path, fc.string({ maxLength: 12 }), fc.integer()), (value) => {
        const url = resolved(() => resolveUrl(BASE, 'invoices/{id}/lines', { id: value }, undefined));
        if (url === 'refused') return;
        expect(url.origin).toBe(BASE.origin);
        expect(url.search).toBe('');
        expect(url.hash).toBe('');
        const rest = url.pathname.slice(`${BASE.pathname}invoices/`.length);
        expect(url.pathname.startsWith(`${BASE.pathname}invoices/`)).toBe(true);
        expect(rest.split('/')).toHaveLength(2);
        expect(rest.endsWith('/lines')).toBe(true);
      }),
      { seed: 8, numRuns: 2_000 },
    );
  });

  it('accepts a generated absolute URL only when it has the base origin and lies under the base path', () => {
    const origin = fc.constantFrom('https://billing.test', 'http://billing.test', 'https://billing.test:8443', 'https://evil.test', 'https://billing.test.evil.test', 'https://user:pw@billing.test', 'HTTPS://BILLING.TEST');
    const prefix = fc.constantFrom('/api/v1/', '/api/v1', '/api/', '/api/v10/', '/', '/api/v1/../', '/api/v1/%2e%2e/', '/API/v1/');
    const query = fc.constantFrom('', '?page=2', '?page=2&token=t', '#frag');
    fc.assert(
      fc.property(origin, prefix, path, query, (host, start, rest, tail) => {
        const generated = `${host}${start}${rest}${tail}`;
        const url = resolved(() => resolveUrl(BASE, generated, undefined, undefined));
        let parsed: URL | undefined;
        try {
          parsed = new URL(generated);
        } catch {
          parsed = undefined;
        }
        const inside = parsed !== undefined && parsed.origin === BASE.origin && parsed.username === '' && parsed.password === '' &&
          parsed.pathname.startsWith(BASE.pathname);
        if (url === 'refused') {
          expect(inside).toBe(false);
          return;
        }
        expect(inside).toBe(true);
        expect(url.origin).toBe(BASE.origin);
        expect(url.pathname.startsWith(BASE.pathname)).toBe(true);
        expect(url.username + url.password).toBe('');
      }),
      { seed: 9, numRuns: 2_000 },
    );
  });

  it('adds searchParams to a generated absolute URL\'s own query, replacing the names it sets', () => {
    const name = fc.constantFrom('page', 'limit', 'q', 'tag');
    const value = fc.stringMatching(/^[a-z0-9]{0,4}$/);
    const pairs = fc.array(fc.tuple(name, value), { maxLength: 4 });
    fc.assert(
      fc.property(pairs, pairs, (own, extra) => {
        const link = `${BASE.href}items?${new URLSearchParams(own).toString()}`;
        const url = new URL(resolveUrl(BASE, link, undefined, extra));
        const replaced = new Set(extra.map(([key]) => key));
        const expected = [...own.filter(([key]) => !replaced.has(key)), ...extra];
        expect([...url.searchParams]).toEqual(expected);
      }),
      { seed: 10, numRuns: 1_000 },
    );
  });
});
