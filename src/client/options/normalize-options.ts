import type { Logger } from 'pino';

import { getDefaultLogger } from '../../logging/default-logger.js';
import { normalizeBeforeAttempt } from '../../policies/before-attempt.js';
import type { BeforeAttemptHook } from '../../policies/before-attempt.js';
import { normalizeAdaptiveThrottling } from '../../policies/adaptive-throttling.js';
import type { ResolvedAdaptiveThrottling } from '../../policies/adaptive-throttling.js';
import { normalizeBulkhead } from '../../policies/bulkhead.js';
import type { ResolvedBulkhead } from '../../policies/bulkhead.js';
import { normalizeBreaker } from '../../policies/circuit-breaker/options.js';
import type { ResolvedBreaker } from '../../policies/circuit-breaker/options.js';
import { normalizeAuth } from '../../policies/credentials.js';
import type { ResolvedAuth } from '../../policies/credentials.js';
import { TIMEOUT_DEFAULTS, normalizeTimeout } from '../../policies/deadline/timeouts.js';
import type { ResolvedTimeout } from '../../policies/deadline/timeouts.js';
import { normalizeFleet } from '../../policies/fleet.js';
import type { ResolvedFleet } from '../../policies/fleet.js';
import { normalizeHedging } from '../../policies/hedging.js';
import type { ResolvedHedging } from '../../policies/hedging.js';
import { normalizeRateLimit } from '../../policies/rate-limit.js';
import type { ResolvedRateLimit } from '../../policies/rate-limit.js';
import { normalizeBudget } from '../../policies/retry/budget.js';
import type { ResolvedBudget } from '../../policies/retry/budget.js';
import { RETRY_DEFAULTS, normalizeRetry } from '../../policies/retry/options.js';
import type { ResolvedRetry } from '../../policies/retry/options.js';
import { checkObject, fail } from '../../policies/validate.js';
import { checkDispatcherForGlobalFetch, isDispatcherLike } from '../../transport/dispatcher.js';
import type { DispatcherLike } from '../../transport/dispatcher.js';
import { HTTP_TOKEN, copyHeaders } from '../headers.js';
import type { ClientOptions } from '../types.js';
import { normalizeBaseUrl, takeCredentials } from './base-url.js';
import { DEFAULT_MAX_RESPONSE_SIZE, normalizeMaxResponseSize } from './body.js';

/** The request-ID header's default name. */
const REQUEST_ID_HEADER = 'x-request-id';

/** `createClient`'s options, validated, with every default filled in. */
export interface ResolvedClientOptions {
  readonly baseUrl: URL;
  readonly name: string;
  readonly logger: Logger | undefined;
  readonly headers: Readonly<Record<string, string>>;
  readonly requestIdHeader: string;
  readonly timeoutHeader: string | undefined;
  readonly timeout: ResolvedTimeout;
  readonly retry: ResolvedRetry;
  readonly budget: ResolvedBudget | undefined;
  readonly circuitBreaker: ResolvedBreaker | undefined;
  readonly bulkhead: ResolvedBulkhead | undefined;
  readonly hedging: ResolvedHedging | undefined;
  readonly adaptiveThrottling: ResolvedAdaptiveThrottling | undefined;
  readonly rateLimit: ResolvedRateLimit | undefined;
  readonly fleet: ResolvedFleet | undefined;
  readonly fetch: typeof fetch | undefined;
  readonly dispatcher: DispatcherLike | undefined;
  /** Most decoded bytes of a body held in memory; `undefined` for no limit. */
  readonly maxResponseSize: number | undefined;
  readonly auth: ResolvedAuth | undefined;
  readonly beforeAttempt: BeforeAttemptHook | undefined;
}

const KNOWN = ['name', 'logger', 'headers', 'requestIdHeader', 'timeoutHeader', 'timeout', 'retry', 'circuitBreaker', 'bulkhead', 'hedging', 'fetch', 'dispatcher', 'adaptiveThrottling', 'rateLimit', 'fleet', 'auth', 'beforeAttempt', 'maxResponseSize'] as const satisfies readonly (keyof ClientOptions)[];

function normalizeHeaders(path: string, value: unknown): Record<string, string> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null) fail(path, 'an object of header names to values', value);
  const out: Record<string, string> = {};
  copyHeaders(path, value as Record<string, string>, out);
  return out;
}

/** The lower-case `timeoutHeader`, or `undefined` when off. */
function normalizeTimeoutHeader(value: unknown, requestIdHeader: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !HTTP_TOKEN.test(value)) fail('timeoutHeader', 'a header name', value);
  const name = value.toLowerCase();
  if (name === requestIdHeader.toLowerCase()) fail('timeoutHeader', 'a header other than requestIdHeader', value);
  return name;
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
  const raw = checkObject('options', options, KNOWN);
  if (raw.name !== undefined && (typeof raw.name !== 'string' || raw.name.trim() === '')) fail('name', 'a non-empty string', raw.name);
  if (raw.logger !== undefined && raw.logger !== false && typeof (raw.logger as Logger | null)?.child !== 'function') {
    fail('logger', 'a pino Logger or false', raw.logger);
  }
  if (raw.fetch !== undefined && typeof raw.fetch !== 'function') fail('fetch', 'a function', raw.fetch);
  if (raw.dispatcher !== undefined && !isDispatcherLike(raw.dispatcher)) {
    fail('dispatcher', 'an undici Dispatcher (Agent, Pool, ProxyAgent…: an object with dispatch())', raw.dispatcher);
  }
  // The global fetch takes the dispatchers of its own undici major (and its neighbour): say so now, not at the first call.
  const refusal = raw.dispatcher !== undefined && raw.fetch === undefined ? checkDispatcherForGlobalFetch(raw.dispatcher) : undefined;
  if (refusal !== undefined) throw refusal;
  const requestIdHeader = options.requestIdHeader ?? REQUEST_ID_HEADER;
  if (typeof requestIdHeader !== 'string' || !HTTP_TOKEN.test(requestIdHeader)) fail('requestIdHeader', 'a header name', requestIdHeader);
  const timeoutHeader = normalizeTimeoutHeader(raw.timeoutHeader, requestIdHeader);

  return {
    baseUrl: url,
    name: options.name ?? url.host,
    logger: options.logger === false ? undefined : (options.logger ?? getDefaultLogger()),
    headers: { ...credentials, ...normalizeHeaders('headers', options.headers) },
    requestIdHeader: requestIdHeader.toLowerCase(),
    timeoutHeader,
    timeout: normalizeTimeout('timeout', options.timeout, TIMEOUT_DEFAULTS),
    retry: normalizeRetry('retry', options.retry, RETRY_DEFAULTS, true),
    budget: options.retry === false ? undefined : normalizeBudget(options.retry?.budget),
    circuitBreaker: normalizeBreaker(options.circuitBreaker),
    bulkhead: normalizeBulkhead(options.bulkhead),
    hedging: normalizeHedging(options.hedging),
    adaptiveThrottling: normalizeAdaptiveThrottling(raw.adaptiveThrottling),
    rateLimit: normalizeRateLimit(raw.rateLimit),
    fleet: normalizeFleet(raw.fleet, options.name ?? url.host),
    fetch: options.fetch,
    dispatcher: options.dispatcher,
    maxResponseSize: normalizeMaxResponseSize('maxResponseSize', raw.maxResponseSize, DEFAULT_MAX_RESPONSE_SIZE),
    auth: normalizeAuth(raw.auth),
    beforeAttempt: normalizeBeforeAttempt(raw.beforeAttempt),
  };
}
