import { validateHeaderName } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';

import type { Logger } from 'pino';

import { defaultLoggerChild } from '../logging/default-logger.js';
import { withRequestContext } from '../context/request-context.js';
import { generateRequestId, isSafeRequestId } from '../context/request-id.js';

/** True for a valid HTTP header name (an RFC 9110 token), as node:http checks it. */
function isHeaderName(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  try {
    validateHeaderName(value);
    return true;
  } catch {
    return false;
  }
}

/** The longest remaining time an inbound `timeoutHeader` may set: one hour. */
const MAX_INBOUND_TIMEOUT_MS = 3_600_000;
const DIGITS = /^[0-9]{1,7}$/;

/** Options of {@link requestContext}. */
export interface RequestContextMiddlewareOptions {
  /**
   * Inbound (and response) header that carries the request ID.
   * @default 'x-request-id'
   */
  header?: string;
  /**
   * Logger to bind to each request (as a child with `requestId`); `false` binds none. Pass the service's
   * logger here and to `errorHandler()` (and, if you like, to clients): every line then goes through it.
   * @default the package's default pino logger (which a client's or `errorHandler()`'s own logger overrides)
   */
  logger?: Logger | false;
  /**
   * Makes a request ID when the inbound one is absent or unsafe.
   * @default crypto.randomUUID
   */
  generateId?: () => string;
  /**
   * Inbound header that carries the caller's remaining time, in integer
   * milliseconds (1 to 3 600 000; any other value is ignored): it sets the
   * context's `deadline`, so every client call made while handling the
   * request ends in time. Off by default: an edge service must not let its
   * callers set its deadlines. Pairs with the client's `timeoutHeader`.
   * @default off
   */
  timeoutHeader?: string;
}

/** A connect/Express-style middleware; also callable from a plain `node:http` handler. */
export type RequestContextMiddleware = (req: IncomingMessage, res: ServerResponse, next: () => void) => void;

/**
 * Middleware that gives every inbound request a request context: it takes the
 * inbound request ID when it is safe (1–128 characters of `[A-Za-z0-9._:-]`),
 * generates one otherwise, echoes it on the response, binds a child logger
 * with it, and runs the rest of the request (`next`) inside the context, so
 * every client call made while handling it carries the ID.
 *
 * The context's `signal` aborts when the inbound request is aborted or its
 * connection closes before the response has been sent (the caller hung up):
 * every client call still running for it is cancelled (its connection
 * closed, no further attempt) and rejects with `UpstreamAbortedError`. With
 * `timeoutHeader`, the caller's remaining time sets the context's `deadline`.
 *
 * @throws TypeError when `timeoutHeader` is not a header name.
 * @example
 * ```ts
 * const withContext = requestContext();
 * http.createServer((req, res) => withContext(req, res, () => handle(req, res)));
 * // or, with Express: app.use(requestContext());
 * ```
 */
export function requestContext(options: RequestContextMiddlewareOptions = {}): RequestContextMiddleware {
  const header = (options.header ?? 'x-request-id').toLowerCase();
  const generateId = options.generateId ?? generateRequestId;
  const baseLogger = options.logger;
  const rawTimeoutHeader: unknown = options.timeoutHeader;
  if (rawTimeoutHeader !== undefined && !isHeaderName(rawTimeoutHeader)) {
    throw new TypeError(`timeoutHeader must be a header name, got ${typeof rawTimeoutHeader === 'string' ? JSON.stringify(rawTimeoutHeader) : typeof rawTimeoutHeader}`);
  }
  const timeoutHeader = rawTimeoutHeader?.toLowerCase();
  return (req, res, next) => {
    const inbound = req.headers[header];
    const candidate = Array.isArray(inbound) ? inbound[0] : inbound;
    const requestId = isSafeRequestId(candidate) ? candidate : generateId();
    if (!res.headersSent) res.setHeader(header, requestId);
    const logger = baseLogger === false ? undefined : baseLogger === undefined ? defaultLoggerChild({ requestId }) : baseLogger.child({ requestId });
    const hungUp = new AbortController();
    if (res.destroyed && !res.writableEnded) hungUp.abort(new CallerGoneError());
    else {
      res.once('close', () => {
        if (!res.writableEnded) hungUp.abort(new CallerGoneError());
      });
    }
    const timeoutMs = timeoutHeader === undefined ? undefined : inboundTimeout(req.headers[timeoutHeader]);
    withRequestContext({ requestId, logger, signal: hungUp.signal, timeoutMs }, next);
  };
}

/** The reason a request context's signal aborts with when its caller hung up. */
class CallerGoneError extends Error {
  override readonly name = 'AbortError';

  constructor() {
    super('the inbound request closed before its response was sent');
  }
}

/** The caller's remaining time from the inbound header, when it is an integer from 1 to 3 600 000 ms. */
function inboundTimeout(value: string | string[] | undefined): number | undefined {
  if (typeof value !== 'string' || !DIGITS.test(value)) return undefined;
  const ms = Number(value);
  return ms >= 1 && ms <= MAX_INBOUND_TIMEOUT_MS ? ms : undefined;
}
