import type { ResolvedBudget } from '../../policies/retry-budget.js';
import type { CallRetryOptions, ResolvedRetry, RetryOptions } from '../../policies/retry-decision.js';
import { HTTP_TOKEN } from '../headers.js';
import { DEFAULTS } from './defaults.js';
import { checkObject, duration, fail, integer, ratio } from './validate.js';

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

/** Validates `retry.budget`: `false` turns it off, `true` or absent means the defaults. */
export function normalizeBudget(value: unknown): ResolvedBudget | undefined {
  if (value === false) return undefined;
  if (value === undefined || value === true) return { ...DEFAULTS.budget };
  const raw = checkObject('retry.budget', value, ['percent', 'minRetriesPerSecond', 'windowMs']);
  return {
    percent: ratio('retry.budget.percent', raw.percent, DEFAULTS.budget.percent),
    minRetriesPerSecond: duration('retry.budget.minRetriesPerSecond', raw.minRetriesPerSecond, DEFAULTS.budget.minRetriesPerSecond),
    windowMs: integer('retry.budget.windowMs', raw.windowMs, DEFAULTS.budget.windowMs, 1000),
  };
}
