import type { Logger } from 'pino';

import { getDefaultLogger } from '../logging/default-logger.js';
import { redactText } from '../logging/redact.js';
import { HTTP_TOKEN, copyHeaders } from './headers.js';
import type {
  BulkheadOptions,
  CallRetryOptions,
  CircuitBreakerOptions,
  ClientOptions,
  HedgingOptions,
  RetryBudgetOptions,
  RetryOptions,
  TimeoutOptions,
} from './types.js';

/** Retry rules with every default filled in. */
export interface ResolvedRetry {
  readonly maxAttempts: number;
  readonly initialDelay: number;
  readonly maxDelay: number;
  readonly retryOnStatus: ReadonlySet<number>;
  readonly methods: ReadonlySet<string>;
  readonly maxRetryAfter: number;
}

/** Budget parameters with every default filled in. */
export type ResolvedBudget = Required<RetryBudgetOptions>;

/** Timeouts with every default filled in. */
export type ResolvedTimeout = Required<TimeoutOptions>;

/** Breaker settings with every default filled in. */
export interface ResolvedBreaker {
  readonly consecutiveFailures: number;
  readonly sampling: { threshold: number; duration: number; minimumRps: number } | undefined;
  readonly halfOpenAfter: number;
  readonly initialState: unknown;
}

/** `createClient`'s options, validated, with every default filled in. */
export interface ResolvedClientOptions {
  readonly baseUrl: URL;
  readonly name: string;
  readonly logger: Logger | undefined;
  readonly headers: Readonly<Record<string, string>>;
  readonly requestIdHeader: string;
  readonly timeout: ResolvedTimeout;
  readonly retry: ResolvedRetry;
  readonly budget: ResolvedBudget | undefined;
  readonly circuitBreaker: ResolvedBreaker | undefined;
  readonly bulkhead: Required<BulkheadOptions> | undefined;
  readonly hedging: Required<HedgingOptions> | undefined;
  readonly fetch: typeof fetch | undefined;
}

/** Defaults, as documented in the README's options table. */
const DEFAULTS = {
  timeout: { attempt: 10_000, total: 30_000 },
  retry: {
    maxAttempts: 3,
    initialDelay: 200,
    maxDelay: 5_000,
    retryOnStatus: [408, 429, 500, 502, 503, 504],
    methods: ['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE'],
    maxRetryAfter: 30_000,
  },
  budget: { percent: 0.2, minRetriesPerSecond: 10, windowMs: 10_000 },
  circuitBreaker: { consecutiveFailures: 5, halfOpenAfter: 10_000 },
  sampling: { duration: 30_000, minimumRps: 5 },
  requestIdHeader: 'x-request-id',
} as const;



/** A bad value for a message: strings redacted (a base URL may carry a token), objects by kind only. */
function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(redactText(value));
  if (typeof value === 'number' || typeof value === 'boolean' || value == null) return String(value);
  return Array.isArray(value) ? 'an array' : typeof value;
}

function fail(path: string, rule: string, value: unknown): never {
  throw new TypeError(`${path} must be ${rule}, got ${show(value)}`);
}

function checkObject(path: string, value: unknown, known: readonly string[]): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(path, 'an object', value);
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) throw new TypeError(`${path}.${key} is not a known option (known: ${known.join(', ')})`);
  }
  return value as Record<string, unknown>;
}

/** The longest delay a Node timer honours; a longer one fires after 1 ms. */
const MAX_TIMER_MS = 2_147_483_647;

/** A number from 0 (exclusive when `positive`) to {@link MAX_TIMER_MS}, or the fallback when undefined. */
function duration(path: string, value: unknown, fallback: number, positive = false): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !(value <= MAX_TIMER_MS) || value < 0 || (positive && value === 0)) {
    fail(path, `a number ${positive ? '> 0' : '>= 0'} and <= ${MAX_TIMER_MS}`, value);
  }
  return value;
}

function integer(path: string, value: unknown, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) fail(path, `an integer >= ${min}`, value);
  return value;
}

function ratio(path: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !(value > 0 && value <= 1)) fail(path, 'a number in (0, 1]', value);
  return value;
}

/** Validates timeouts (client-wide or per call) over `base`. */
export function normalizeTimeout(path: string, value: TimeoutOptions | undefined, base: ResolvedTimeout): ResolvedTimeout {
  if (value === undefined) return base;
  const raw = checkObject(path, value, ['attempt', 'total']);
  return {
    attempt: duration(`${path}.attempt`, raw.attempt, base.attempt, true),
    total: duration(`${path}.total`, raw.total, base.total, true),
  };
}

/** Validates retry rules (client-wide or per call) over `base`. */
export function normalizeRetry(
  path: string,
  value: RetryOptions | CallRetryOptions | false | undefined,
  base: ResolvedRetry,
  allowBudget = false,
): ResolvedRetry {
  if (value === undefined) return base;
  if (value === false) return { ...base, maxAttempts: 1 };
  const known = ['maxAttempts', 'initialDelay', 'maxDelay', 'retryOnStatus', 'methods', 'maxRetryAfter'];
  const raw = checkObject(path, value, allowBudget ? [...known, 'budget'] : known);
  const initialDelay = duration(`${path}.initialDelay`, raw.initialDelay, base.initialDelay);
  const maxDelay = duration(`${path}.maxDelay`, raw.maxDelay, Math.max(base.maxDelay, initialDelay));
  if (maxDelay < initialDelay) fail(`${path}.maxDelay`, `>= retry.initialDelay (${initialDelay})`, maxDelay);
  let retryOnStatus = base.retryOnStatus;
  if (raw.retryOnStatus !== undefined) {
    if (!Array.isArray(raw.retryOnStatus)) fail(`${path}.retryOnStatus`, 'an array of HTTP statuses', raw.retryOnStatus);
    for (const status of raw.retryOnStatus as unknown[]) {
      if (typeof status !== 'number' || !Number.isInteger(status) || status < 400 || status > 599) {
        fail(`${path}.retryOnStatus`, 'a list of statuses from 400 to 599', status);
      }
    }
    retryOnStatus = new Set(raw.retryOnStatus as number[]);
  }
  let methods = base.methods;
  if (raw.methods !== undefined) {
    if (!Array.isArray(raw.methods)) fail(`${path}.methods`, 'an array of HTTP methods', raw.methods);
    for (const method of raw.methods as unknown[]) {
      if (typeof method !== 'string' || !HTTP_TOKEN.test(method)) fail(`${path}.methods`, 'a list of HTTP methods', method);
    }
    methods = new Set((raw.methods as string[]).map((method) => method.toUpperCase()));
  }
  return {
    maxAttempts: integer(`${path}.maxAttempts`, raw.maxAttempts, base.maxAttempts, 1),
    initialDelay,
    maxDelay,
    retryOnStatus,
    methods,
    maxRetryAfter: duration(`${path}.maxRetryAfter`, raw.maxRetryAfter, base.maxRetryAfter),
  };
}

function normalizeBudget(value: unknown): ResolvedBudget | undefined {
  if (value === false) return undefined;
  if (value === undefined || value === true) return { ...DEFAULTS.budget };
  const raw = checkObject('retry.budget', value, ['percent', 'minRetriesPerSecond', 'windowMs']);
  return {
    percent: ratio('retry.budget.percent', raw.percent, DEFAULTS.budget.percent),
    minRetriesPerSecond: duration('retry.budget.minRetriesPerSecond', raw.minRetriesPerSecond, DEFAULTS.budget.minRetriesPerSecond),
    windowMs: integer('retry.budget.windowMs', raw.windowMs, DEFAULTS.budget.windowMs, 1000),
  };
}

function normalizeBreaker(value: CircuitBreakerOptions | false | undefined): ResolvedBreaker | undefined {
  if (value === false) return undefined;
  const raw = checkObject('circuitBreaker', value ?? {}, ['consecutiveFailures', 'sampling', 'halfOpenAfter', 'initialState']);
  if (raw.sampling !== undefined && raw.consecutiveFailures !== undefined) {
    throw new TypeError('circuitBreaker.consecutiveFailures and circuitBreaker.sampling are exclusive: choose one breaker');
  }
  let sampling: ResolvedBreaker['sampling'];
  if (raw.sampling !== undefined) {
    const s = checkObject('circuitBreaker.sampling', raw.sampling, ['threshold', 'duration', 'minimumRps']);
    // cockatiel's SamplingBreaker throws a RangeError unless 0 < threshold < 1.
    if (typeof s.threshold !== 'number' || !(s.threshold > 0 && s.threshold < 1)) {
      fail('circuitBreaker.sampling.threshold', 'a number in (0, 1)', s.threshold);
    }
    sampling = {
      threshold: s.threshold,
      duration: duration('circuitBreaker.sampling.duration', s.duration, DEFAULTS.sampling.duration, true),
      minimumRps: duration('circuitBreaker.sampling.minimumRps', s.minimumRps, DEFAULTS.sampling.minimumRps),
    };
  }
  return {
    consecutiveFailures: integer('circuitBreaker.consecutiveFailures', raw.consecutiveFailures, DEFAULTS.circuitBreaker.consecutiveFailures, 1),
    sampling,
    halfOpenAfter: duration('circuitBreaker.halfOpenAfter', raw.halfOpenAfter, DEFAULTS.circuitBreaker.halfOpenAfter, true),
    initialState: raw.initialState,
  };
}

function normalizeBaseUrl(value: unknown): URL {
  let url: URL;
  try {
    if (typeof value !== 'string' && !(value instanceof URL)) throw new TypeError();
    url = new URL(value);
  } catch {
    fail('baseUrl', 'an absolute http(s) URL', value);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') fail('baseUrl', 'an absolute http(s) URL', url.protocol);
  if (url.search !== '' || url.hash !== '') fail('baseUrl', 'a URL without query or fragment', url.search + url.hash);
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  return url;
}

/** Credentials in the base URL become a Basic `authorization` header (fetch refuses them in URLs). */
function takeCredentials(url: URL): Record<string, string> {
  if (url.username === '' && url.password === '') return {};
  const user = decodeLenient(url.username);
  const password = decodeLenient(url.password);
  url.username = '';
  url.password = '';
  return { authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` };
}

function decodeLenient(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function normalizeHeaders(path: string, value: unknown): Record<string, string> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null) fail(path, 'an object of header names to values', value);
  const out: Record<string, string> = {};
  copyHeaders(path, value as Record<string, string>, out);
  return out;
}

/**
 * Merges the documented defaults into `createClient`'s options and validates
 * everything up front. Pure: no I/O, no timers.
 *
 * @throws TypeError naming the option path and the bad value.
 */
export function normalizeOptions(baseUrl: string | URL, options: ClientOptions = {}): ResolvedClientOptions {
  const url = normalizeBaseUrl(baseUrl);
  const credentials = takeCredentials(url);
  const raw = checkObject('options', options, [
    'name', 'logger', 'headers', 'requestIdHeader', 'timeout', 'retry', 'circuitBreaker', 'bulkhead', 'hedging', 'fetch',
  ]);
  if (raw.name !== undefined && (typeof raw.name !== 'string' || raw.name.trim() === '')) fail('name', 'a non-empty string', raw.name);
  if (raw.logger !== undefined && raw.logger !== false && typeof (raw.logger as Logger | null)?.child !== 'function') {
    fail('logger', 'a pino Logger or false', raw.logger);
  }
  if (raw.fetch !== undefined && typeof raw.fetch !== 'function') fail('fetch', 'a function', raw.fetch);
  const requestIdHeader = options.requestIdHeader ?? DEFAULTS.requestIdHeader;
  if (typeof requestIdHeader !== 'string' || !HTTP_TOKEN.test(requestIdHeader)) fail('requestIdHeader', 'a header name', requestIdHeader);

  const retryDefaults: ResolvedRetry = {
    ...DEFAULTS.retry,
    retryOnStatus: new Set(DEFAULTS.retry.retryOnStatus),
    methods: new Set(DEFAULTS.retry.methods),
  };
  const retry = normalizeRetry('retry', options.retry, retryDefaults, true);
  const budget = options.retry === false ? undefined : normalizeBudget(options.retry?.budget);

  let bulkhead: Required<BulkheadOptions> | undefined;
  if (options.bulkhead !== undefined && options.bulkhead !== false) {
    const b = checkObject('bulkhead', options.bulkhead, ['limit', 'queue']);
    if (b.limit === undefined) fail('bulkhead.limit', 'an integer >= 1', undefined);
    bulkhead = { limit: integer('bulkhead.limit', b.limit, 0, 1), queue: integer('bulkhead.queue', b.queue, 0, 0) };
  }
  let hedging: Required<HedgingOptions> | undefined;
  if (options.hedging !== undefined && options.hedging !== false) {
    const h = checkObject('hedging', options.hedging, ['delay', 'maxHedges']);
    if (h.delay === undefined) fail('hedging.delay', 'a finite number > 0 (ms)', undefined);
    hedging = { delay: duration('hedging.delay', h.delay, 0, true), maxHedges: integer('hedging.maxHedges', h.maxHedges, 1, 1) };
  }

  return {
    baseUrl: url,
    name: options.name ?? url.host,
    logger: options.logger === false ? undefined : (options.logger ?? getDefaultLogger()),
    headers: { ...credentials, ...normalizeHeaders('headers', options.headers) },
    requestIdHeader: requestIdHeader.toLowerCase(),
    timeout: normalizeTimeout('timeout', options.timeout, { ...DEFAULTS.timeout }),
    retry,
    budget,
    circuitBreaker: normalizeBreaker(options.circuitBreaker),
    bulkhead,
    hedging,
    fetch: options.fetch,
  };
}
