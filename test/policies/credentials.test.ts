import { subscribe, unsubscribe } from 'node:diagnostics_channel';

import { HttpResponse, http } from 'msw';
import { CHANNELS, UpstreamCredentialsError, UpstreamTimeoutError, createClient } from 'resilient-http';
import type { ClientOptions, ExpiringToken, RequestEndEvent, TokenRequest } from 'resilient-http';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { server, useMsw } from '../../mocks/server.js';
import { upstreamFailure } from '../support/rejection.js';

useMsw();
const BASE = 'https://ledger.test/';

/** The `authorization` header of every request the upstream saw, in order. */
const seen: string[] = [];

/** The upstream: 200 for a request carrying one of `valid`, 401 otherwise; `before` may answer first. */
function upstream(valid: readonly string[], before?: (index: number) => Response | undefined): void {
  seen.length = 0;
  server.use(
    http.all(`${BASE}*`, ({ request }) => {
      const auth = request.headers.get('authorization') ?? '';
      seen.push(auth);
      const early = before?.(seen.length);
      if (early !== undefined) return early;
      return valid.includes(auth) ? HttpResponse.json({ ok: true }) : HttpResponse.json({ error: 'unauthorized' }, { status: 401 });
    }),
  );
}

/** A token provider giving `tokens` in turn (the last one again once they run out), recording how it was asked. */
function provider(...tokens: (string | ExpiringToken)[]) {
  const asked: boolean[] = [];
  const token = vi.fn(async ({ refresh }: TokenRequest) => {
    asked.push(refresh);
    await Promise.resolve();
    return tokens[Math.min(asked.length, tokens.length) - 1]!;
  });
  return { token, asked };
}

function client(options: ClientOptions) {
  return createClient(BASE, { name: 'ledger', logger: false, retry: { initialDelay: 1, budget: false }, ...options });
}

/** The `request:end` events published while `run` runs. */
async function endEvents(run: () => Promise<unknown>): Promise<RequestEndEvent[]> {
  const events: RequestEndEvent[] = [];
  const onEnd = (event: unknown): void => {
    events.push(event as RequestEndEvent);
  };
  subscribe(CHANNELS['request:end'], onEnd);
  try {
    await run().catch(() => undefined);
  } finally {
    unsubscribe(CHANNELS['request:end'], onEnd);
  }
  return events;
}

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

describe('auth: a provider that fails', () => {
  it.each([
    ['throws', () => {
      throw new Error('vault sealed');
    }],
    ['rejects', () => Promise.reject(new Error('vault sealed'))],
  ])('one that %s fails the call with UpstreamCredentialsError: nothing sent, not retried, not counted by the breaker', async (_how, fail) => {
    upstream([]);
    const token = vi.fn(fail);
    const ledger = client({ auth: { token }, circuitBreaker: { consecutiveFailures: 1 } });
    const error = await upstreamFailure(ledger.get('balance'));
    expect(error).toBeInstanceOf(UpstreamCredentialsError);
    expect(error).toMatchObject({ code: 'UPSTREAM_CREDENTIALS_FAILED', statusCode: 502, attempts: 0, retryable: false });
    expect((error.cause as Error).message).toBe('vault sealed');
    expect(error.message).toContain('was not called: getting its credentials failed: vault sealed (no request sent)');
    expect(token).toHaveBeenCalledTimes(1);
    expect(seen).toEqual([]);
    expect(ledger.circuitState).toBe('closed');
  });

  it.each([
    ['a number', 42],
    ['a token with a line break', 'abc\r\nx-injected: 1'],
    ['an empty token', { token: '' }],
    ['an expiresAt that is not a number', { token: 'fine-token', expiresAt: 'soon' }],
  ])('one that gives %s fails the same way, with a TypeError that does not show it', async (_what, given) => {
    upstream([]);
    const error = await upstreamFailure(client({ auth: { token: () => given as string } }).get('balance'));
    expect(error).toMatchObject({ code: 'UPSTREAM_CREDENTIALS_FAILED', attempts: 0 });
    expect(error.cause).toBeInstanceOf(TypeError);
    expect((error.cause as Error).message).toMatch(/^auth\.token\(\)(\.expiresAt)? must be /);
    expect(error.message).not.toContain('injected');
    expect(seen).toEqual([]);
  });

  it('a refresh that fails after a 401 is the call’s UpstreamCredentialsError, with the one request sent', async () => {
    upstream([]);
    const token = vi.fn(({ refresh }: TokenRequest) => (refresh ? Promise.reject(new Error('refresh denied')) : 'stale-token'));
    const error = await upstreamFailure(client({ auth: { token } }).get('balance'));
    expect(error).toMatchObject({ code: 'UPSTREAM_CREDENTIALS_FAILED', attempts: 1 });
    expect(seen).toEqual(['Bearer stale-token']);
  });
});

describe('auth: waiting for a token', () => {
  it('a call cancelled while waiting leaves the others waiting; the provider’s signal aborts when none is left', async () => {
    upstream(['Bearer late-token']);
    let signal: AbortSignal | undefined;
    let release: (value: string) => void = () => undefined;
    const token = vi.fn((request: TokenRequest) => {
      signal = request.signal;
      return new Promise<string>((resolve) => (release = resolve));
    });
    const ledger = client({ auth: { token } });
    const first = new AbortController();
    const second = new AbortController();
    const calls = [ledger.get('a', { signal: first.signal }), ledger.get('b', { signal: second.signal }), ledger.get('c')];
    await vi.waitFor(() => {
      expect(token).toHaveBeenCalledTimes(1);
    });
    first.abort();
    await expect(calls[0]).rejects.toMatchObject({ code: 'UPSTREAM_ABORTED', attempts: 0 });
    expect(signal?.aborted).toBe(false);
    release('late-token');
    await expect(calls[1]).resolves.toEqual({ ok: true });
    await expect(calls[2]).resolves.toEqual({ ok: true });
    expect(seen).toEqual(['Bearer late-token', 'Bearer late-token']);

    // Alone, a cancelled waiter aborts the provider's request.
    const lone = client({ auth: { token } });
    const third = new AbortController();
    const call = lone.get('d', { signal: third.signal });
    await vi.waitFor(() => {
      expect(token).toHaveBeenCalledTimes(2);
    });
    third.abort();
    await expect(call).rejects.toMatchObject({ code: 'UPSTREAM_ABORTED' });
    expect(signal?.aborted).toBe(true);
  });

  it('waits no longer than the call’s total timeout', async () => {
    upstream([]);
    let signal: AbortSignal | undefined;
    const token = (request: TokenRequest): Promise<string> => {
      signal = request.signal;
      return new Promise(() => undefined);
    };
    const error = await upstreamFailure(client({ auth: { token }, timeout: { total: 50 } }).get('balance'));
    expect(error).toBeInstanceOf(UpstreamTimeoutError);
    expect(error).toMatchObject({ timeoutKind: 'total', attempts: 0 });
    expect(signal?.aborted).toBe(true);
    expect(seen).toEqual([]);
  });
});

describe('auth: validation', () => {
  it.each([
    [{ token: 'not-a-function-secret' }, 'auth.token must be a function ({ refresh, signal }) => token, got string'],
    [{ token: (): string => 'x', scheme: 'Bear er' }, "auth.scheme must be an authentication scheme (an HTTP token such as 'Bearer') or '', got string"],
    [{ token: (): string => 'x', scheme: 7 }, "auth.scheme must be an authentication scheme (an HTTP token such as 'Bearer') or '', got number"],
    [{ token: (): string => 'x', header: 'bad header' }, 'auth.header must be a header name, got string'],
    [{ token: (): string => 'x', headers: 'x' }, 'auth.headers is not a known option (known: token, scheme, header)'],
    ['token', 'auth must be an object { token, scheme?, header? }, got string'],
  ])('createClient refuses %j with a TypeError naming the option, never showing its value', (auth, message) => {
    expect(() => client({ auth: auth as never })).toThrow(new TypeError(message));
  });
});
