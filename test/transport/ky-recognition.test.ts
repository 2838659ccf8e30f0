// Internals: recogniseWithKy is not public; the tests of the default path over the global fetch (called with the URL
// and init, its failures classified as ky classifies them) use the public entry point.
import { NetworkError } from 'ky';
import { createClient, UpstreamNetworkError, UpstreamTimeoutError } from 'resilient-http';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { recogniseWithKy } from '../../src/transport/ky-recognition.js';
import { expectUrlAndInitOfPostEntries } from '../support/attempt-call.js';
import type { SeenCall } from '../support/attempt-call.js';
import { upstreamFailure } from '../support/rejection.js';

const BASE = 'https://ledger.internal/v1/';

/** Replaces the global fetch with one that records what it is handed and answers with `answer`. */
function stubGlobalFetch(answer: (init: RequestInit | undefined) => Promise<Response>): SeenCall[] {
  const seen: SeenCall[] = [];
  vi.stubGlobal('fetch', (input: unknown, init?: RequestInit) => {
    seen.push({ input, init });
    return answer(init);
  });
  return seen;
}

function ledger() {
  return createClient(BASE, { name: 'ledger', logger: false, circuitBreaker: false, retry: { initialDelay: 1, maxDelay: 1 } });
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('the global fetch, on the default path', () => {
  it('is read at each attempt and called with the attempt URL and its init, never a Request ky built', async () => {
    const client = ledger();
    // Installed after the client was made, as msw's interceptor is.
    const seen = stubGlobalFetch(() => Promise.resolve(Response.json({ ok: true })));
    await expect(client.post('entries', { json: { amount: 5 }, headers: { 'x-tenant': 't1' } })).resolves.toEqual({ ok: true });
    expectUrlAndInitOfPostEntries(seen, 'https://ledger.internal/v1/entries');
  });

  it('fails as the network, retried, for a failure without a system code that ky knows (msw, browsers)', async () => {
    const seen = stubGlobalFetch(() => Promise.reject(new TypeError('Failed to fetch')));
    const error = await upstreamFailure(ledger().get('entries/1'));
    expect(error).toBeInstanceOf(UpstreamNetworkError);
    expect(error).toMatchObject({ code: 'UPSTREAM_NETWORK_ERROR', systemCode: undefined, service: 'ledger', attempts: 3 });
    expect(seen).toHaveLength(3);
  });

  it("fails as the network with the system code of fetch's own failure", async () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    const seen = stubGlobalFetch(() => Promise.reject(new TypeError('fetch failed', { cause: refused })));
    const error = await upstreamFailure(ledger().get('entries/1'));
    expect(error).toMatchObject({ code: 'UPSTREAM_NETWORK_ERROR', systemCode: 'ECONNREFUSED', attempts: 3 });
    expect(seen).toHaveLength(3);
  });

  it('does not retry an argument fetch refused: it is not the network', async () => {
    const seen = stubGlobalFetch(() => Promise.reject(new TypeError('Headers.append: "a\nb" is an invalid header value.')));
    const error = await upstreamFailure(ledger().get('entries/1'));
    expect(error).not.toBeInstanceOf(UpstreamNetworkError);
    expect(error).toMatchObject({ code: 'UPSTREAM_ERROR', attempts: 1 });
    expect(seen).toHaveLength(1);
  });

  it('is aborted by the attempt timeout through its init signal, and the abort is a timeout', async () => {
    const seen = stubGlobalFetch(
      (init) =>
        new Promise<Response>((_resolve, reject) => {
          init?.signal?.addEventListener('abort', () => {
            reject(new TypeError('Failed to fetch'));
          });
        }),
    );
    const slow = createClient(BASE, { name: 'ledger', logger: false, retry: false, timeout: { attempt: 30 } });
    const error = await upstreamFailure(slow.get('entries/1'));
    expect(error).toBeInstanceOf(UpstreamTimeoutError);
    expect(error).toMatchObject({ timeoutKind: 'attempt', timeoutMs: 30, attempts: 1 });
    expect(seen[0]?.init?.signal?.aborted).toBe(true);
  });
});

describe('recogniseWithKy', () => {
  it("wraps a network failure in ky's NetworkError, the failure kept as its cause", async () => {
    const failure = new TypeError('Failed to fetch');
    const recognised = await recogniseWithKy(failure, 'https://ledger.internal/v1/entries');
    expect(recognised).toBeInstanceOf(NetworkError);
    expect((recognised as NetworkError).cause).toBe(failure);
  });

  it('hands back anything else as it was, sending nothing', async () => {
    const seen = stubGlobalFetch(() => Promise.reject(new Error('the recogniser must not send')));
    const refused = new TypeError('Request with GET/HEAD method cannot have body.');
    const notAnError = { reason: 'thrown by a custom fetch' };
    await expect(recogniseWithKy(refused, 'https://ledger.internal/v1/entries')).resolves.toBe(refused);
    await expect(recogniseWithKy(notAnError, 'https://ledger.internal/v1/entries')).resolves.toBe(notAnError);
    expect(seen).toHaveLength(0);
  });

  it('keeps the failure when ky cannot even build its request from the URL', async () => {
    const failure = new TypeError('Failed to fetch');
    await expect(recogniseWithKy(failure, 'http://[not-a-host')).resolves.toBe(failure);
  });
});
