import type { IncomingMessage, ServerResponse } from 'node:http';

import type { Logger } from 'pino';

import { getRequestContext } from '../context/request-context.js';
import { getDefaultLogger } from '../logging/default-logger.js';
import { boundRequestId } from '../logging/log-adapter.js';
import { redactText, redactUrl } from '../logging/redact.js';
import { isAppError } from '../errors/app-error.js';
import { toErrorResponse } from './to-error-response.js';
import type { ErrorResponseOptions } from './to-error-response.js';

/** Options of {@link errorHandler}. */
export interface ErrorHandlerOptions extends Omit<ErrorResponseOptions, 'requestId'> {
  /**
   * Where failures are logged; `false` logs nothing. A logger in the request context wins.
   * @default the package's default pino logger
   */
  logger?: Logger | false;
}

/** A connect/Express-style error middleware (four parameters, as Express requires). */
export type ErrorMiddleware = (error: unknown, req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void;

/**
 * The global error handler as Express/connect error middleware, built on
 * {@link toErrorResponse}. Unknown errors are logged at `error` with their
 * (redacted) stack and answered with the generic 500 body; application errors
 * are logged at `warn` (5xx) or `info` and answered with their code and
 * message. Every line and body carries the request ID.
 *
 * @example
 * ```ts
 * app.use(errorHandler());
 * // node:http: try { … } catch (err) { errorHandler()(err, req, res, () => {}); }
 * ```
 */
export function errorHandler(options: ErrorHandlerOptions = {}): ErrorMiddleware {
  const { logger: configured, ...responseOptions } = options;
  // Four parameters: Express recognises error middleware by arity.
  return (error, req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const { status, headers, body } = toErrorResponse(error, responseOptions);
    const context = getRequestContext();
    const logger = configured === false ? undefined : (context?.logger ?? configured ?? getDefaultLogger());
    if (logger !== undefined) {
      const fields = {
        // A request-context logger already binds the ID; writing it again would duplicate the key.
        ...(boundRequestId(logger) === undefined ? { requestId: context?.requestId } : {}),
        method: req.method,
        url: redactUrl(`http://localhost${req.url ?? '/'}`).replace('http://localhost', ''),
        status,
      };
      if (isAppError(error)) {
        logger[status >= 500 ? 'warn' : 'info']({ ...fields, err: loggable(error.toJSON()) }, 'request_failed');
      } else {
        logger.error({ ...fields, err: loggable(safeUnknownError(error)) }, 'request_failed_unexpectedly');
      }
    }
    res.statusCode = status;
    for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
    res.end(JSON.stringify(body));
  };
}

function safeUnknownError(error: unknown): Record<string, unknown> {
  const name = error instanceof Error ? error.name : typeof error;
  return error instanceof Error
    ? { type: name, name, message: redactText(error.message), stack: redactText(error.stack ?? '') }
    : { type: name, name, message: redactText(String(error)) };
}

/**
 * The `err` field of a line. Without a prototype, because pino's err
 * serializer sets `type` to the constructor's name (`"Object"` for a plain
 * object) and falls back to `name` only when there is no constructor.
 */
function loggable(fields: Record<string, unknown>): Record<string, unknown> {
  return Object.assign(Object.create(null) as Record<string, unknown>, fields);
}
