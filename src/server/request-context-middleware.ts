import type { IncomingMessage, ServerResponse } from 'node:http';

import type { Logger } from 'pino';

import { defaultLoggerChild } from '../logging/default-logger.js';
import { withRequestContext } from '../context/request-context.js';
import { generateRequestId, isSafeRequestId } from '../context/request-id.js';

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
  return (req, res, next) => {
    const inbound = req.headers[header];
    const candidate = Array.isArray(inbound) ? inbound[0] : inbound;
    const requestId = isSafeRequestId(candidate) ? candidate : generateId();
    if (!res.headersSent) res.setHeader(header, requestId);
    const logger = baseLogger === false ? undefined : baseLogger === undefined ? defaultLoggerChild({ requestId }) : baseLogger.child({ requestId });
    withRequestContext({ requestId, logger }, next);
  };
}
