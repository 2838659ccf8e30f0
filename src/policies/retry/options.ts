import type { RetryBudgetOptions } from './budget.js';
import { HTTP_TOKEN, checkObject, duration, fail, integer } from '../validate.js';

/** Retry rules; see the README's "Retry rules". */
export interface RetryOptions {
  /**
   * Attempts in all, the first included.
   * @default 3
   */
  maxAttempts?: number;
  /**
   * Ceiling of the first backoff, in ms; it doubles each retry (full jitter).
   * @default 200
   */
  initialDelay?: number;
  /**
   * Largest backoff, in ms.
   * @default 5000
   */
  maxDelay?: number;
  /**
   * Upstream statuses that are retried.
   * @default [408, 429, 500, 502, 503, 504]
   */
  retryOnStatus?: readonly number[];
  /**
   * Methods retried without an idempotency key.
   * @default ['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']
   */
  methods?: readonly string[];
  /**
   * Longest `Retry-After` honoured, in ms; a longer one fails the call at once.
   * @default 30000
   */
  maxRetryAfter?: number;
  /**
   * Retry budget shared by all calls of the client; `false` disables it.
   * @default { percent: 0.2, minRetriesPerSecond: 10, windowMs: 10000 }
   */
  budget?: RetryBudgetOptions | boolean;
}

/** Per-call retry overrides: everything but the client-wide budget. */
export type CallRetryOptions = Omit<RetryOptions, 'budget'>;

/** Retry rules with every default filled in. */
export interface ResolvedRetry {
  readonly maxAttempts: number;
  readonly initialDelay: number;
  readonly maxDelay: number;
  readonly retryOnStatus: ReadonlySet<number>;
  readonly methods: ReadonlySet<string>;
  readonly maxRetryAfter: number;
}

/** The retry rules' defaults, as the README's options table gives them. */
export const RETRY_DEFAULTS: ResolvedRetry = {
  maxAttempts: 3,
  initialDelay: 200,
  maxDelay: 5_000,
  retryOnStatus: new Set([408, 429, 500, 502, 503, 504]),
  methods: new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']),
  maxRetryAfter: 30_000,
};

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

