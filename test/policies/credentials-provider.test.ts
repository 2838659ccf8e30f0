// Internals: the token cache is tested with a scripted clock, and the redaction's memory of a token is read directly.
import { setTimeout as wait } from 'node:timers/promises';

import { HttpResponse, http } from 'msw';
import { UpstreamCredentialsError, UpstreamTimeoutError } from 'resilient-http';
import type { ExpiringToken, TokenRequest } from 'resilient-http';
import { describe, expect, it, vi } from 'vitest';

import { server, useMsw } from '../../mocks/server.js';
// Internals, for the one case no public call can order: a provider request overtaken by a refresh.
import { redactText } from '../../src/logging/redact.js';
import { Credentials, normalizeAuth } from '../../src/policies/credentials.js';
import { upstreamFailure } from '../support/rejection.js';
import { BASE, client, seen, upstream } from '../support/token-upstream.js';

useMsw();

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

  it('is neither a failure nor a success for the breaker: failures on either side of it still add up', async () => {
    upstream([], () => new HttpResponse(null, { status: 503 }));
    let asked = 0;
    // A token always about to expire, so that the provider is asked for every call.
    const token = (): ExpiringToken => {
      asked++;
      if (asked === 2) throw new Error('vault sealed');
      return { token: 'short-lived-token', expiresAt: Date.now() + 1_000 };
    };
    const ledger = client({ auth: { token }, retry: false, circuitBreaker: { consecutiveFailures: 2 } });
    await expect(ledger.get('a')).rejects.toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' });
    await expect(ledger.get('b')).rejects.toMatchObject({ code: 'UPSTREAM_CREDENTIALS_FAILED' });
    expect(ledger.circuitState).toBe('closed');
    await expect(ledger.get('c')).rejects.toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' });
    expect(ledger.circuitState).toBe('open');
    expect(seen).toHaveLength(2);
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

  it('does not count the wait for a token against the attempt timeout, which starts once the token is in hand', async () => {
    upstream(['Bearer slow-token']);
    // A provider slower than the attempt timeout (the timers fire in order: 600 ms after 300 ms), well within the total.
    const token = async (): Promise<string> => {
      await wait(600);
      return 'slow-token';
    };
    await expect(client({ auth: { token }, retry: false, timeout: { attempt: 300, total: 5_000 } }).get('balance')).resolves.toEqual({ ok: true });
    expect(seen).toEqual(['Bearer slow-token']);
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
  it('does not hold later calls on a provider request older than they may wait: they ask anew, and the hung one is aborted', async () => {
    upstream(['Bearer second-token']);
    const signals: AbortSignal[] = [];
    // The first request to the provider never settles; any later one answers at once.
    const token = (request: TokenRequest): Promise<string> | string => {
      signals.push(request.signal);
      return signals.length === 1 ? new Promise<string>(() => undefined) : 'second-token';
    };
    const ledger = client({ auth: { token }, timeout: { total: 150 } });
    const calls: Promise<string>[] = [];
    for (let i = 0; i < 6; i++) {
      calls.push(ledger.get('balance').then(() => 'ok', (error: unknown) => (error as UpstreamTimeoutError).code));
      await wait(50);
    }
    const outcomes = await Promise.all(calls);
    expect(outcomes[0]).toBe('UPSTREAM_TIMEOUT');
    expect(signals.length).toBeGreaterThan(1);
    expect(signals[0]?.aborted).toBe(true);
    expect(outcomes.at(-1)).toBe('ok');
    expect(seen).toContain('Bearer second-token');
  });

  it('keeps the refreshed token when an older request for a token answers after the refresh', async () => {
    let gate: () => void = () => undefined;
    const opened = new Promise<void>((resolve) => (gate = resolve));
    upstream(['Bearer refreshed-token', 'Bearer late-plain-token']);
    // The soon-expiring token is answered 401, once the test opens the gate.
    server.use(
      http.get(`${BASE}first`, async ({ request }) => {
        if (request.headers.get('authorization') !== 'Bearer expiring-token') return undefined;
        seen.push('expiring-token');
        await opened;
        return new HttpResponse(null, { status: 401 });
      }),
    );
    let answerPlain: (token: ExpiringToken) => void = () => undefined;
    const asked: boolean[] = [];
    const token = ({ refresh }: TokenRequest): ExpiringToken | Promise<ExpiringToken> => {
      asked.push(refresh);
      if (asked.length === 1) return { token: 'expiring-token', expiresAt: Date.now() + 1_000 };
      if (asked.length === 2) return new Promise((resolve) => (answerPlain = resolve));
      return { token: 'refreshed-token', expiresAt: Date.now() + 3_600_000 };
    };
    const ledger = client({ auth: { token } });
    const first = ledger.get('first');
    await vi.waitFor(() => {
      expect(seen).toEqual(['expiring-token']);
    });
    // The held token expires within 30 s: this call starts a plain request for a new one.
    const second = ledger.get('second');
    await vi.waitFor(() => {
      expect(asked).toEqual([false, false]);
    });
    gate(); // the 401: a refresh overtakes the plain request
    await expect(first).resolves.toEqual({ ok: true });
    answerPlain({ token: 'late-plain-token', expiresAt: Date.now() + 3_600_000 });
    await expect(second).resolves.toEqual({ ok: true });

    await ledger.get('third');
    expect(asked).toEqual([false, false, true]);
    expect(seen.at(-1)).toBe('Bearer refreshed-token');
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

describe('auth: a token from a request a refresh overtook', () => {
  it('is still scrubbed from text: the calls that waited for it send it', async () => {
    const LATE = 'late_plain_made_up_0123456789';
    let answerPlain: (token: string) => void = () => undefined;
    let asked = 0;
    const credentials = new Credentials(
      normalizeAuth({
        token: (): ExpiringToken | Promise<string> | string => {
          asked++;
          if (asked === 1) return { token: 'expiring_made_up_0123456789', expiresAt: Date.now() + 1_000 };
          if (asked === 2) return new Promise<string>((resolve) => (answerPlain = resolve));
          return 'refreshed_made_up_0123456789';
        },
      })!,
    );
    const signal = new AbortController().signal;
    const expiring = await credentials.obtain(undefined, signal);
    const plain = credentials.obtain(undefined, signal); // the held token nears its expiry: a plain request
    await credentials.obtain(expiring, signal); // a 401 meanwhile: the refresh overtakes it
    answerPlain(LATE);
    expect((await plain).token).toBe(LATE);
    expect(redactText(`upstream echoed ${LATE}`)).not.toContain(LATE);
  });
});
