// Internals: the resolved defaults (normalizeOptions) are read directly to check them against the README's table.
import { createClient, UpstreamServerError, UpstreamUnavailableError } from 'resilient-http';
import type { ClientOptions } from 'resilient-http';
import { mockUpstream } from 'resilient-http/testing';
import { afterEach, describe, expect, it } from 'vitest';

import { server, useMsw } from '../../mocks/server.js';
import { normalizeOptions } from '../../src/client/options/normalize-options.js';
import { rejectionOf } from '../support/rejection.js';

useMsw();
const upstream = mockUpstream('https://options.test/api/');
afterEach(() => {
  upstream.reset();
});

/** The TypeError `createClient` throws for these options. */
function creationError(baseUrl: unknown, options?: unknown): TypeError {
  try {
    createClient(baseUrl as string, options as ClientOptions);
  } catch (error) {
    expect(error).toBeInstanceOf(TypeError);
    return error as TypeError;
  }
  throw new Error('createClient did not throw');
}

describe('createClient validation', () => {
  it.each([
    ['ftp://files.test/', 'ftp'],
    ['file:///etc/passwd', 'file'],
    ['/api/', '/api/'],
    ['billing.test/api', 'billing.test/api'],
    ['', '""'],
  ])('rejects the base URL %j with a TypeError naming baseUrl', (baseUrl, shown) => {
    const error = creationError(baseUrl);
    expect(error.message).toContain('baseUrl');
    expect(error.message).toContain(shown);
  });

  it('rejects a base URL that carries a query or a fragment', () => {
    expect(creationError('https://x.test/api?v=1').message).toMatch(/^baseUrl .*\?v=1/);
    expect(creationError('https://x.test/api#top').message).toMatch(/^baseUrl .*#top/);
  });

  it.each([
    [{ retry: { maxAttempts: 0 } }, 'retry.maxAttempts', 'got 0'],
    [{ retry: { maxAttempts: 1.5 } }, 'retry.maxAttempts', 'got 1.5'],
    [{ retry: { maxAttempts: '3' } }, 'retry.maxAttempts', 'got "3"'],
    [{ retry: { initialDelay: -1 } }, 'retry.initialDelay', 'got -1'],
    [{ retry: { maxDelay: Number.POSITIVE_INFINITY } }, 'retry.maxDelay', 'got Infinity'],
    [{ retry: { initialDelay: 500, maxDelay: 100 } }, 'retry.maxDelay', 'got 100'],
    [{ retry: { maxRetryAfter: -1 } }, 'retry.maxRetryAfter', 'got -1'],
    [{ retry: { retryOnStatus: [503, 200] } }, 'retry.retryOnStatus', 'got 200'],
    [{ retry: { retryOnStatus: [999] } }, 'retry.retryOnStatus', 'got 999'],
    [{ retry: { retryOnStatus: 503 } }, 'retry.retryOnStatus', 'got 503'],
    [{ retry: { methods: ['GE T'] } }, 'retry.methods', 'got "GE T"'],
    [{ retry: { budget: { percent: 2 } } }, 'retry.budget.percent', 'got 2'],
    [{ timeout: { attempt: Number.NaN } }, 'timeout.attempt', 'got NaN'],
    [{ timeout: { attempt: 0 } }, 'timeout.attempt', 'got 0'],
    [{ timeout: { total: -5 } }, 'timeout.total', 'got -5'],
    [{ timeout: { total: Number.POSITIVE_INFINITY } }, 'timeout.total', 'got Infinity'],
    [{ circuitBreaker: { consecutiveFailures: 0 } }, 'circuitBreaker.consecutiveFailures', 'got 0'],
    [{ circuitBreaker: { halfOpenAfter: -1 } }, 'circuitBreaker.halfOpenAfter', 'got -1'],
    [{ circuitBreaker: { sampling: {} } }, 'circuitBreaker.sampling.threshold', 'got undefined'],
    [{ circuitBreaker: { sampling: { threshold: 1 } } }, 'circuitBreaker.sampling.threshold', 'got 1'],
    [{ circuitBreaker: { sampling: { threshold: 0.5, duration: 0 } } }, 'circuitBreaker.sampling.duration', 'got 0'],
    [{ bulkhead: {} }, 'bulkhead.limit', 'got undefined'],
    [{ bulkhead: { limit: 0 } }, 'bulkhead.limit', 'got 0'],
    [{ bulkhead: { limit: 2, queue: -1 } }, 'bulkhead.queue', 'got -1'],
    [{ hedging: { maxHedges: 2 } }, 'hedging.delay', 'got undefined'],
    [{ hedging: { delay: -10 } }, 'hedging.delay', 'got -10'],
    [{ name: '  ' }, 'name', 'got "  "'],
    [{ logger: 'console' }, 'logger', 'got "console"'],
    [{ requestIdHeader: 'x request id' }, 'requestIdHeader', 'got "x request id"'],
  ])('rejects %j with a TypeError naming %s and the bad value', (options, path, shown) => {
    const error = creationError('https://options.test/api/', options);
    expect(error.message.startsWith(`${path} `)).toBe(true);
    expect(error.message).toContain(shown);
  });

  it.each([
    [{ retries: 3 }, 'options.retries'],
    [{ retry: { attempts: 3 } }, 'retry.attempts'],
    [{ timeout: { connect: 100 } }, 'timeout.connect'],
    [{ circuitBreaker: { threshold: 3 } }, 'circuitBreaker.threshold'],
    [{ bulkhead: { limit: 1, size: 2 } }, 'bulkhead.size'],
  ])('rejects the unknown option %j, naming its path', (options, path) => {
    expect(creationError('https://options.test/api/', options).message).toContain(`${path} is not a known option`);
  });

  it('refuses a consecutive and a sampling breaker at once', () => {
    const error = creationError('https://options.test/', {
      circuitBreaker: { consecutiveFailures: 3, sampling: { threshold: 0.5 } },
    });
    expect(error.message).toContain('circuitBreaker.consecutiveFailures and circuitBreaker.sampling are exclusive');
  });

  it('accepts every option at its limit', () => {
    const client = createClient(new URL('http://options.test'), {
      logger: false,
      retry: { maxAttempts: 1, initialDelay: 0, maxDelay: 0, maxRetryAfter: 0, retryOnStatus: [400, 599], budget: false },
      timeout: { attempt: 1, total: 1 },
      circuitBreaker: { sampling: { threshold: 0.99 } },
      bulkhead: { limit: 1, queue: 0 },
      hedging: { delay: 1 },
    });
    expect(client.name).toBe('options.test');
  });
});

describe('attempt and total timeouts together (issue 12)', () => {
  it('rejects an explicit timeout.attempt greater than an explicit timeout.total, naming both', () => {
    expect(() => createClient('https://options.test/', { timeout: { attempt: 5_000, total: 1_000 } })).toThrow(
      new TypeError('timeout.attempt (5000 ms) must not exceed timeout.total (1000 ms)'),
    );
  });

  it('accepts equal values, and lowers the attempt timeout to a lone total below the default', () => {
    expect(normalizeOptions('https://options.test/', { timeout: { attempt: 1_000, total: 1_000 } }).timeout).toEqual({ attempt: 1_000, total: 1_000 });
    expect(normalizeOptions('https://options.test/', { timeout: { total: 2_000 } }).timeout).toEqual({ attempt: 2_000, total: 2_000 });
    expect(normalizeOptions('https://options.test/', { timeout: { total: 60_000 } }).timeout).toEqual({ attempt: 10_000, total: 60_000 });
  });
});

describe('per-call overrides', () => {
  it.each([
    [{ retry: { maxAttempts: 0 } }, 'options.retry.maxAttempts'],
    [{ retry: { initialDelay: -1 } }, 'options.retry.initialDelay'],
    [{ retry: { retryOnStatus: [302] } }, 'options.retry.retryOnStatus'],
    [{ retry: { budget: false } }, 'options.retry.budget is not a known option'],
    [{ timeout: { attempt: -1 } }, 'options.timeout.attempt'],
    [{ timeout: { total: Number.NaN } }, 'options.timeout.total'],
    [{ timeout: { attempt: 2_000, total: 1_000 } }, 'options.timeout.attempt (2000 ms) must not exceed options.timeout.total (1000 ms)'],
    [{ retyr: false }, 'options.retyr is not a known request option'],
  ])('rejects %j with a TypeError naming %s, and sends nothing', async (options, path) => {
    server.use(upstream.status('all', 'x', 200));
    const client = createClient(upstream.baseUrl, { logger: false });
    const error = await rejectionOf(client.get('x', options as never));
    expect(error).toBeInstanceOf(TypeError);
    expect((error as TypeError).message).toContain(path);
    expect(upstream.calls).toHaveLength(0);
  });

  it('applies a valid per-call retry override to that call only', async () => {
    server.use(upstream.status('get', 'x', 503));
    const client = createClient(upstream.baseUrl, { logger: false, circuitBreaker: false, retry: { initialDelay: 1, maxAttempts: 4 } });
    await expect(client.get('x', { retry: { maxAttempts: 2 } })).rejects.toBeInstanceOf(UpstreamUnavailableError);
    expect(upstream.calls).toHaveLength(2);
    upstream.reset();
    await expect(client.get('x')).rejects.toBeInstanceOf(UpstreamUnavailableError);
    expect(upstream.calls).toHaveLength(4);
  });
});

describe('defaults', () => {
  it('fills in the documented defaults', () => {
    const resolved = normalizeOptions('https://billing.test:8443/api');
    expect(resolved.baseUrl.href).toBe('https://billing.test:8443/api/');
    expect(resolved.name).toBe('billing.test:8443');
    expect(resolved.requestIdHeader).toBe('x-request-id');
    expect(resolved.timeout).toEqual({ attempt: 10_000, total: 30_000 });
    expect(resolved.retry.maxAttempts).toBe(3);
    expect(resolved.retry.initialDelay).toBe(200);
    expect(resolved.retry.maxDelay).toBe(5_000);
    expect(resolved.retry.maxRetryAfter).toBe(30_000);
    expect([...resolved.retry.retryOnStatus].sort()).toEqual([408, 429, 500, 502, 503, 504]);
    expect([...resolved.retry.methods].sort()).toEqual(['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PUT']);
    expect(resolved.budget).toEqual({ percent: 0.2, minRetriesPerSecond: 10, windowMs: 10_000 });
    expect(resolved.circuitBreaker).toMatchObject({ consecutiveFailures: 5, halfOpenAfter: 10_000, sampling: undefined });
    expect(resolved.bulkhead).toBeUndefined();
    expect(resolved.hedging).toBeUndefined();
  });

  it('moves base-URL credentials into a Basic authorization header', () => {
    const resolved = normalizeOptions('https://user:p%40ss@billing.test/');
    expect(resolved.baseUrl.href).toBe('https://billing.test/');
    expect(resolved.headers.authorization).toBe(`Basic ${Buffer.from('user:p@ss').toString('base64')}`);
  });

  it('makes 3 attempts by default and names the service after the host', async () => {
    server.use(upstream.status('get', 'x', 503));
    const client = createClient(upstream.baseUrl, { logger: false });
    const error = (await rejectionOf(client.get('x'))) as UpstreamUnavailableError;
    expect(error).toBeInstanceOf(UpstreamUnavailableError);
    expect(error.attempts).toBe(3);
    expect(error.service).toBe('options.test');
    expect(upstream.calls).toHaveLength(3);
    expect(upstream.calls[0]?.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('retries 500 but not 501 by default, and never a POST without an idempotency key', async () => {
    server.use(upstream.status('get', 'e500', 500), upstream.status('get', 'e501', 501), upstream.status('post', 'e500', 500));
    const client = createClient(upstream.baseUrl, { logger: false, retry: { initialDelay: 1 } });
    await expect(client.get('e500')).rejects.toBeInstanceOf(UpstreamServerError);
    await expect(client.get('e501')).rejects.toBeInstanceOf(UpstreamServerError);
    await expect(client.post('e500')).rejects.toBeInstanceOf(UpstreamServerError);
    expect(upstream.callsTo('get', 'e500')).toHaveLength(3);
    expect(upstream.callsTo('get', 'e501')).toHaveLength(1);
    expect(upstream.callsTo('post', 'e500')).toHaveLength(1);
  });

  it('opens the default breaker after 5 consecutive failures', async () => {
    server.use(upstream.status('get', 'x', 503));
    const client = createClient(upstream.baseUrl, { logger: false, retry: false });
    for (let i = 0; i < 4; i++) await client.get('x').catch(() => undefined);
    expect(client.circuitState).toBe('closed');
    await client.get('x').catch(() => undefined);
    expect(client.circuitState).toBe('open');
    expect(upstream.calls).toHaveLength(5);
  });
});

describe('limits and secrets in option errors', () => {
  const TOO_LONG = 2_147_483_648;

  it.each([
    [{ timeout: { attempt: TOO_LONG } }, 'timeout.attempt'],
    [{ timeout: { total: TOO_LONG } }, 'timeout.total'],
    [{ retry: { initialDelay: TOO_LONG } }, 'retry.initialDelay'],
    [{ retry: { maxDelay: TOO_LONG } }, 'retry.maxDelay'],
    [{ retry: { maxRetryAfter: TOO_LONG } }, 'retry.maxRetryAfter'],
    [{ circuitBreaker: { halfOpenAfter: TOO_LONG } }, 'circuitBreaker.halfOpenAfter'],
    [{ circuitBreaker: { sampling: { threshold: 0.5, duration: TOO_LONG } } }, 'circuitBreaker.sampling.duration'],
    [{ hedging: { delay: TOO_LONG } }, 'hedging.delay'],
  ])('rejects %j, a delay no Node timer can wait, with a TypeError naming %s', (options, path) => {
    const error = creationError('https://options.test/api/', options);
    expect(error.message.startsWith(`${path} `)).toBe(true);
    expect(error.message).toContain('2147483647');
  });

  it('accepts 2_147_483_647 ms, the longest delay a Node timer honours', () => {
    const resolved = normalizeOptions('https://options.test/', { timeout: { attempt: 2_147_483_647, total: 2_147_483_647 } });
    expect(resolved.timeout).toEqual({ attempt: 2_147_483_647, total: 2_147_483_647 });
  });

  it('rejects a per-call timeout above 2_147_483_647 ms with a TypeError, and sends nothing', async () => {
    server.use(upstream.status('all', 'x', 200));
    const client = createClient(upstream.baseUrl, { logger: false });
    const error = await rejectionOf(client.get('x', { timeout: { total: TOO_LONG } }));
    expect(error).toBeInstanceOf(TypeError);
    expect((error as TypeError).message.startsWith('options.timeout.total ')).toBe(true);
    expect(upstream.calls).toHaveLength(0);
  });

  it('keeps a secret in the base URL out of the TypeError message', () => {
    for (const baseUrl of ['https://api.test/?token=SECRET', 'https://api.test/#access_token=SECRET', 'https//user:SECRET@api.test/']) {
      const error = creationError(baseUrl);
      expect(error.message).toContain('baseUrl');
      expect(error.message).not.toContain('SECRET');
    }
  });

  it('keeps badly percent-encoded user-info as written instead of throwing a raw URIError', () => {
    let resolved: ReturnType<typeof normalizeOptions> | undefined;
    expect(() => {
      resolved = normalizeOptions('https://a%zz:pw@api.test/');
    }).not.toThrow();
    expect(resolved?.baseUrl.href).toBe('https://api.test/');
    expect(resolved?.headers.authorization).toBe(`Basic ${Buffer.from('a%zz:pw').toString('base64')}`);
  });

  it('rejects a scheme-less path with user-info with a TypeError that does not repeat the password, and sends nothing', async () => {
    server.use(upstream.status('all', '*', 200));
    const client = createClient(upstream.baseUrl, { logger: false });
    const error = await rejectionOf(client.get('//user:pa55@evil.test/x'));
    expect(error).toBeInstanceOf(TypeError);
    expect((error as TypeError).message).toContain('evil.test');
    expect((error as TypeError).message).not.toContain('pa55');
    expect(upstream.calls).toHaveLength(0);
  });

  it('names a missing {param} without echoing a secret from the path', async () => {
    server.use(upstream.status('all', '*', 200));
    const client = createClient(upstream.baseUrl, { logger: false });
    const error = await rejectionOf(client.get('users/{id}?token=SECRET', {}));
    expect(error).toBeInstanceOf(TypeError);
    expect((error as TypeError).message).toContain('params.id');
    expect((error as TypeError).message).not.toContain('SECRET');
    expect(upstream.calls).toHaveLength(0);
  });
});
