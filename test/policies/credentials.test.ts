import { HttpResponse, http } from 'msw';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { server, useMsw } from '../../mocks/server.js';
import { upstreamFailure } from '../support/rejection.js';
import { BASE, client, endEvents, provider, seen, upstream } from '../support/token-upstream.js';

useMsw();

afterEach(() => {
  vi.useRealTimers();
});

describe('auth: the token on every attempt', () => {
  it('sends "Bearer <token>" on every attempt, asking the provider once while it holds the token', async () => {
    upstream(['Bearer token-one'], (index) => (index === 1 ? new HttpResponse(null, { status: 503 }) : undefined));
    const { token, asked } = provider('token-one');
    const ledger = client({ auth: { token } });
    await ledger.get('balance');
    await ledger.get('balance');
    expect(seen).toEqual(['Bearer token-one', 'Bearer token-one', 'Bearer token-one']);
    expect(asked).toEqual([false]);
  });

  it('uses the scheme and header given, or the token alone with scheme ""', async () => {
    const headers: (string | null)[] = [];
    server.use(
      http.get(`${BASE}*`, ({ request }) => {
        headers.push(request.headers.get('x-api-key'), request.headers.get('proxy-authorization'));
        return HttpResponse.json({});
      }),
    );
    await client({ auth: { token: () => 'key-1234', scheme: '', header: 'X-Api-Key' } }).get('a');
    await client({ auth: { token: () => ({ token: 'abc-token' }), scheme: 'Token', header: 'proxy-authorization' } }).get('b');
    expect(headers).toEqual(['key-1234', null, null, 'Token abc-token']);
  });

  it('wins over an authorization header among the client headers', async () => {
    upstream(['Bearer from-provider']);
    await client({ headers: { authorization: 'Bearer static' }, auth: { token: () => 'from-provider' } }).get('a');
    expect(seen).toEqual(['Bearer from-provider']);
  });

  it('shares one pending token request among concurrent calls', async () => {
    upstream(['Bearer shared-token']);
    let release: (value: string) => void = () => undefined;
    const token = vi.fn(() => new Promise<string>((resolve) => (release = resolve)));
    const ledger = client({ auth: { token } });
    const calls = Array.from({ length: 10 }, () => ledger.get('balance'));
    await vi.waitFor(() => {
      expect(token).toHaveBeenCalledTimes(1);
    });
    release('shared-token');
    await Promise.all(calls);
    expect(token).toHaveBeenCalledTimes(1);
    expect(seen).toHaveLength(10);
  });

  it('asks again before an attempt when the held token expires in less than 30 s', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const now = Date.now();
    upstream(['Bearer short-lived', 'Bearer long-lived']);
    const short = provider({ token: 'short-lived', expiresAt: now + 29_000 });
    const shortClient = client({ auth: { token: short.token } });
    await shortClient.get('a');
    await shortClient.get('a');
    expect(short.asked).toEqual([false, false]);

    const long = provider({ token: 'long-lived', expiresAt: now + 60_000 });
    const longClient = client({ auth: { token: long.token } });
    await longClient.get('a');
    vi.setSystemTime(now + 29_999);
    await longClient.get('a');
    expect(long.asked).toEqual([false]);
    vi.setSystemTime(now + 30_001);
    await longClient.get('a');
    expect(long.asked).toEqual([false, false]);
  });
});

describe('auth: after a 401', () => {
  it('asks with refresh: true and sends the attempt once more — a POST too — counted in attempts, not against maxAttempts', async () => {
    upstream(['Bearer fresh-token']);
    const { token, asked } = provider('stale-token', 'fresh-token');
    const ledger = client({ auth: { token }, retry: false });
    const events = await endEvents(async () => {
      await expect(ledger.post('transfers', { json: { amount: 1 } })).resolves.toEqual({ ok: true });
    });
    expect(asked).toEqual([false, true]);
    expect(seen).toEqual(['Bearer stale-token', 'Bearer fresh-token']);
    expect(events.map(({ attempts, status }) => ({ attempts, status }))).toEqual([{ attempts: 2, status: 200 }]);
  });

  it('keeps every retry: a re-send after a 401 that meets a 503 is still retried, maxAttempts times', async () => {
    upstream(['Bearer fresh-token'], (index) => (index === 2 ? new HttpResponse(null, { status: 503 }) : undefined));
    const { token } = provider('stale-token', 'fresh-token');
    await expect(client({ auth: { token }, retry: { maxAttempts: 2, initialDelay: 1, budget: false } }).get('a')).resolves.toEqual({ ok: true });
    expect(seen).toEqual(['Bearer stale-token', 'Bearer fresh-token', 'Bearer fresh-token']);
  });

  it('a second 401 is the call’s UpstreamUnauthorizedError', async () => {
    upstream([]);
    const { token, asked } = provider('stale-token', 'also-refused');
    const error = await upstreamFailure(client({ auth: { token } }).get('balance'));
    expect(error).toMatchObject({ code: 'UPSTREAM_UNAUTHORIZED', upstreamStatus: 401, attempts: 2 });
    expect(asked).toEqual([false, true]);
    expect(seen).toEqual(['Bearer stale-token', 'Bearer also-refused']);
  });

  it('100 concurrent calls that all meet a 401 cause exactly one refresh', async () => {
    upstream(['Bearer fresh-token']);
    const { token, asked } = provider('stale-token', 'fresh-token');
    const ledger = client({ auth: { token } });
    const results = await Promise.all(Array.from({ length: 100 }, (_, i) => ledger.get(`accounts/${i}`)));
    expect(results.every((result) => (result as { ok: boolean }).ok)).toBe(true);
    expect(asked).toEqual([false, true]);
    expect(seen.filter((auth) => auth === 'Bearer stale-token')).toHaveLength(100);
    expect(seen.filter((auth) => auth === 'Bearer fresh-token')).toHaveLength(100);
  });

  it('does not send a stream body twice: its 401 is the answer', async () => {
    upstream(['Bearer fresh-token']);
    const { token } = provider('stale-token', 'fresh-token');
    const body = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('once'));
        controller.close();
      },
    });
    const error = await upstreamFailure(client({ auth: { token } }).post('uploads', { body }));
    expect(error).toMatchObject({ code: 'UPSTREAM_UNAUTHORIZED', attempts: 1 });
    expect(seen).toEqual(['Bearer stale-token']);
  });
});

