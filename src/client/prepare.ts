import { randomUUID } from 'node:crypto';

import { getRequestContext } from '../context/request-context.js';
import { assertSafeRequestId, generateRequestId } from '../context/request-id.js';
import { HTTP_TOKEN, copyHeaders } from './headers.js';
import type { OutgoingRequest } from '../policies/outgoing-request.js';
import type { ResolvedClientOptions } from './options/normalize-options.js';
import { normalizeRetry } from '../policies/retry/options.js';
import { normalizeTimeout } from '../policies/deadline/timeouts.js';
import { resolveUrl } from './resolve-url.js';
import { normalizeMaxResponseSize, normalizeResponseType } from './options/body.js';
import { checkExpectedStatus, checkSchema } from './response-options.js';
import type { RequestOptions } from './types.js';

const KNOWN = new Set<string>([
  'json', 'body', 'headers', 'searchParams', 'params', 'signal', 'requestId', 'idempotencyKey', 'timeout', 'retry',
  'schema', 'expectedStatus', 'responseType', 'maxResponseSize',
] satisfies (keyof RequestOptions)[]);
const NO_OPTIONS: RequestOptions = Object.freeze({});
const HEDGEABLE_METHODS = new Set(['GET', 'HEAD']);
/** Methods fetch refuses to send (the Fetch standard's forbidden methods). */
const FORBIDDEN_METHODS = new Set(['CONNECT', 'TRACE', 'TRACK']);

/**
 * Validates one call and resolves everything the pipeline needs: the URL
 * (kept inside the base), headers (client's, call's, request ID, idempotency
 * key), request ID (call option, else context, else new), per-call
 * retry/timeout overrides, and the request context's signal and deadline.
 *
 * @throws TypeError for bad input, naming the option.
 */
export function prepareRequest(
  client: ResolvedClientOptions,
  rawMethod: string,
  path: string,
  given?: RequestOptions,
  streamed = false,
): OutgoingRequest {
  if (typeof rawMethod !== 'string' || !HTTP_TOKEN.test(rawMethod)) throw new TypeError(`method must be an HTTP method token, got ${JSON.stringify(rawMethod)}`);
  // No options is the common case: no object is made for it, and there is nothing to check.
  const options: RequestOptions = given ?? NO_OPTIONS;
  if (given !== undefined) {
    if (typeof given !== 'object' || (given as unknown) === null) throw new TypeError(`options must be an object, got ${typeof given}`);
    for (const key of Object.keys(given)) {
      if (!KNOWN.has(key)) throw new TypeError(`options.${key} is not a known request option (known: ${[...KNOWN].join(', ')})`);
    }
  }
  const method = rawMethod.toUpperCase();
  if (FORBIDDEN_METHODS.has(method)) throw new TypeError(`method ${method} cannot be sent: fetch refuses CONNECT, TRACE and TRACK`);
  if (options.json !== undefined && options.body !== undefined) throw new TypeError('options.json and options.body are exclusive');
  if (options.signal !== undefined && !(options.signal instanceof AbortSignal)) throw new TypeError('options.signal must be an AbortSignal');

  const hasBody = options.json !== undefined || (options.body !== undefined && options.body !== null);
  if (hasBody && (method === 'GET' || method === 'HEAD')) throw new TypeError(`a ${method} request cannot have a body (options.json or options.body)`);

  const schema = checkSchema(options.schema);
  const responseType = normalizeResponseType(options.responseType);
  if (streamed && (options.responseType !== undefined || schema !== undefined)) {
    throw new TypeError('options.responseType and options.schema do not apply to stream(): its body is a ReadableStream of bytes');
  }
  // A stream holds nothing in memory: the client's limit is for bodies it reads whole; a per-call one applies to both.
  const maxResponseSize = normalizeMaxResponseSize('options.maxResponseSize', options.maxResponseSize, streamed ? undefined : client.maxResponseSize);
  const expectedStatus = checkExpectedStatus(options.expectedStatus);
  const href = resolveUrl(client.baseUrl, path, options.params, options.searchParams);
  const context = getRequestContext();
  let requestId: string;
  if (options.requestId !== undefined) {
    assertSafeRequestId(options.requestId, 'options.requestId');
    requestId = options.requestId;
  } else {
    requestId = context?.requestId ?? generateRequestId();
  }

  const headers: Record<string, string> = { ...client.headers };
  if (options.headers !== undefined) copyHeaders('options.headers', options.headers, headers);
  headers[client.requestIdHeader] = requestId;
  if (options.idempotencyKey !== undefined) {
    const key = options.idempotencyKey === true ? randomUUID() : options.idempotencyKey;
    if (typeof key !== 'string' || key.length === 0 || key.length > 255 || /[^\x21-\x7e]/.test(key)) {
      throw new TypeError('options.idempotencyKey must be true or 1 to 255 visible ASCII characters');
    }
    headers['idempotency-key'] = key;
  }
  const hasKey = headers['idempotency-key'] !== undefined;
  // Serialised once, here: a value JSON cannot represent is the caller's error, not a network failure.
  const body = options.json === undefined ? options.body : serializeJson(options.json);
  if (options.json !== undefined) headers['content-type'] ??= 'application/json';

  const replayable = !isStream(options.body);
  let retry = normalizeRetry('options.retry', options.retry, client.retry);
  if (!replayable && retry.maxAttempts > 1) retry = { ...retry, maxAttempts: 1 };
  const timeout = normalizeTimeout('options.timeout', options.timeout, client.timeout);
  const startedAt = performance.now();
  return {
    method,
    href,
    headers,
    body,
    requestId,
    retry,
    timeout,
    idempotent: hasKey || retry.methods.has(method),
    // A download is not hedged: a second copy of a large body is what hedging must never cost.
    hedgeable: !streamed && replayable && (hasKey || HEDGEABLE_METHODS.has(method)),
    signal: options.signal,
    contextSignal: context?.signal,
    deadline: context?.deadline,
    startedAt,
    // Always present (maybe undefined), so every prepared request has one shape.
    schema,
    expectedStatus,
    responseType: streamed ? 'stream' : responseType,
    maxResponseSize,
  };
}

function isStream(body: unknown): boolean {
  if (typeof body !== 'object' || body === null) return false;
  return body instanceof ReadableStream || typeof (body as { pipe?: unknown }).pipe === 'function' || Symbol.asyncIterator in body;
}

function serializeJson(value: unknown): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (error) {
    throw new TypeError(`options.json cannot be serialised as JSON: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
  if (text === undefined) throw new TypeError(`options.json cannot be serialised as JSON (got ${typeof value})`);
  return text;
}
