// Internals: the init-only mark, its cheaper answer form and the errors createUndiciFetch() rejects with are not public.
import { createClient, UpstreamNetworkError, UpstreamTimeoutError } from 'resilient-http';
import { describe, expect, it } from 'vitest';

import { ANSWER_FETCH, INIT_ONLY_FETCH } from '../../src/transport/init-only-fetch.js';
import type { FetchedAnswer } from '../../src/transport/init-only-fetch.js';
import { fetchFailed, terminated } from '../../src/undici/fetch-errors.js';
import { createUndiciFetch } from '../../src/undici/index.js';
import { expectUrlAndInitOfPostEntries } from '../support/attempt-call.js';
import type { SeenCall } from '../support/attempt-call.js';
import { upstreamFailure } from '../support/rejection.js';

const BASE = 'https://ledger.internal/v1/';

function jsonAnswer(): Response {
  return new Response(JSON.stringify({ ok: true }), { headers: { 'content-type': 'application/json' } });
}

/** A fetch that records what it is handed; marked as init-only when `initOnly` is set. */
function recordingFetch(initOnly: boolean, answer: (init: RequestInit | undefined) => Promise<Response>) {
  const seen: SeenCall[] = [];
  const fetchImpl = (input: unknown, init?: RequestInit): Promise<Response> => {
    seen.push({ input, init });
    return answer(init);
  };
  if (initOnly) Object.assign(fetchImpl, { [INIT_ONLY_FETCH]: true });
  return { fetch: fetchImpl as typeof fetch, seen };
}

function client(fetchImpl: typeof fetch) {
  return createClient(BASE, { name: 'ledger', logger: false, fetch: fetchImpl, circuitBreaker: false, retry: { initialDelay: 1, maxDelay: 1 } });
}

describe('a fetch marked as reading only the URL and init', () => {
  it('is called with the attempt URL and its init, and never a Request', async () => {
    const marked = recordingFetch(true, () => Promise.resolve(jsonAnswer()));
    await expect(client(marked.fetch).post('entries', { json: { amount: 5 }, headers: { 'x-tenant': 't1' } })).resolves.toEqual({ ok: true });
    expectUrlAndInitOfPostEntries(marked.seen, 'https://ledger.internal/v1/entries');
  });

  it('while an unmarked fetch gets the Request ky built, with the same init', async () => {
    const plain = recordingFetch(false, () => Promise.resolve(jsonAnswer()));
    await client(plain.fetch).get('entries/1');
    const [{ input, init }] = plain.seen as [SeenCall];
    expect(input).toBeInstanceOf(Request);
    expect((input as Request).url).toBe('https://ledger.internal/v1/entries/1');
    expect(init).toMatchObject({ method: 'GET', redirect: 'manual' });
    expect(new Headers(init?.headers).get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("classifies its rejection as fetch's: a network error with the system code, retried", async () => {
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    const marked = recordingFetch(true, () => Promise.reject(new TypeError('fetch failed', { cause: reset })));
    const error = await upstreamFailure(client(marked.fetch).get('entries/1'));
    expect(error).toBeInstanceOf(UpstreamNetworkError);
    expect(error).toMatchObject({ code: 'UPSTREAM_NETWORK_ERROR', systemCode: 'ECONNRESET', service: 'ledger', attempts: 3 });
    expect(marked.seen).toHaveLength(3);
  });

  it("classifies createUndiciFetch()'s failures without a system code as network errors, by their mark", async () => {
    // A status above 599 and a failing request-body stream: what the fetch rejects with, called without ky.
    const failures = [fetchFailed(new RangeError('status 600 is out of range')), terminated(undefined)];
    for (const failure of failures) {
      const failing = recordingFetch(true, () => Promise.reject(failure));
      const error = await upstreamFailure(client(failing.fetch).get('entries/1'));
      expect(error).toBeInstanceOf(UpstreamNetworkError);
      expect(error).toMatchObject({ code: 'UPSTREAM_NETWORK_ERROR', systemCode: undefined, attempts: 3 });
      expect(failing.seen).toHaveLength(3);
    }
  });

  it("classifies fetch's own failure messages as network errors through ky, which wraps them", async () => {
    for (const failure of [new TypeError('fetch failed', { cause: new RangeError('status 600 is out of range') }), new TypeError('terminated')]) {
      const failing = recordingFetch(false, () => Promise.reject(failure));
      const error = await upstreamFailure(client(failing.fetch).get('entries/1'));
      expect(error).toMatchObject({ code: 'UPSTREAM_NETWORK_ERROR', systemCode: undefined, attempts: 3 });
    }
  });

  it('reads no message: an unmarked error with a fetch-like message from a fetch called without ky is not the network', async () => {
    const failing = recordingFetch(true, () => Promise.reject(new TypeError('fetch failed')));
    const error = await upstreamFailure(client(failing.fetch).get('entries/1'));
    expect(error).toMatchObject({ code: 'UPSTREAM_ERROR', attempts: 1 });
    expect(failing.seen).toHaveLength(1);
  });

  it('is aborted by the attempt timeout through its init signal', async () => {
    const marked = recordingFetch(
      true,
      (init) =>
        new Promise<Response>((_resolve, reject) => {
          init?.signal?.addEventListener('abort', () => {
            reject(new Error('aborted', { cause: init.signal?.reason }));
          });
        }),
    );
    const slow = createClient(BASE, { name: 'ledger', logger: false, fetch: marked.fetch, retry: false, timeout: { attempt: 30 } });
    const error = await upstreamFailure(slow.get('entries/1'));
    expect(error).toBeInstanceOf(UpstreamTimeoutError);
    expect(error).toMatchObject({ timeoutKind: 'attempt', timeoutMs: 30, attempts: 1 });
    expect(marked.seen[0]?.init?.signal?.aborted).toBe(true);
  });

  it('is called in its cheaper answer form when it has one, and never as fetch', async () => {
    const asked: { input: string; init: RequestInit }[] = [];
    const answer = (input: string, init: RequestInit): Promise<FetchedAnswer> => {
      asked.push({ input, init });
      // Not a Response: only what the transport reads.
      const body = new TextEncoder().encode('{"balance":12}');
      return Promise.resolve({
        status: 200,
        statusText: 'OK',
        headers: new Headers({ 'content-type': 'application/json', 'content-length': String(body.byteLength) }),
        body: null,
        text: () => Promise.resolve(new TextDecoder().decode(body)),
        arrayBuffer: () => Promise.resolve(body.slice().buffer),
      });
    };
    const marked = recordingFetch(true, () => Promise.reject(new Error('the Response form must not be called')));
    Object.assign(marked.fetch, { [ANSWER_FETCH]: answer });
    await expect(client(marked.fetch).get('accounts/7')).resolves.toEqual({ balance: 12 });
    expect(marked.seen).toHaveLength(0);
    expect(asked.map(({ input, init }) => [input, init.method, init.redirect])).toEqual([['https://ledger.internal/v1/accounts/7', 'GET', 'manual']]);
  });

  it('is what createUndiciFetch() returns, and not a wrapper that copies its properties', () => {
    const undiciFetch = createUndiciFetch();
    expect((undiciFetch as unknown as Record<symbol, unknown>)[INIT_ONLY_FETCH]).toBe(true);
    expect(typeof (undiciFetch as unknown as Record<symbol, unknown>)[ANSWER_FETCH]).toBe('function');
    // A wrapper may read the Request it is handed: it must still get one.
    const wrapper = Object.assign((input: RequestInfo | URL, init?: RequestInit) => undiciFetch(input, init), undiciFetch);
    expect((wrapper as unknown as Record<symbol, unknown>)[INIT_ONLY_FETCH]).toBeUndefined();
    expect((wrapper as unknown as Record<symbol, unknown>)[ANSWER_FETCH]).toBeUndefined();
    expect(wrapper.dispatcher).toBe(undiciFetch.dispatcher);
    return undiciFetch.close();
  });
});
