import type { IncomingMessage, ServerResponse } from 'node:http';

import type { Logger } from 'pino';

import { getRequestContext } from '../context/request-context.js';
import { chooseLogger, getDefaultLogger } from '../logging/default-logger.js';
import { boundRequestId } from '../logging/log-adapter.js';
import { redactText, redactUrl } from '../logging/redact.js';
import { isAppError } from '../errors/app-error.js';
import { isUpstreamError } from '../errors/upstream-error.js';
import { publicText, readHttpError } from './http-errors.js';
import { toErrorResponse } from './to-error-response.js';
import type { ErrorResponseOptions } from './to-error-response.js';

/** Options of {@link errorHandler}. */
export interface ErrorHandlerOptions extends Omit<ErrorResponseOptions, 'requestId'> {
  /**
   * Where failures are logged; `false` logs nothing. A logger in the request context wins, unless it is
   * only the package's default one (`requestContext()` given no logger).
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
 * message. Errors of the `http-errors` convention (body-parser's malformed
 * JSON → 400, body over its limit → 413) answer their own status and are
 * logged at `warn` (4xx, no stack) or `error` (5xx), never with the request
 * body. An `UpstreamError` was logged in detail by the client that raised
 * it: here it gets only a short `debug` summary (inbound method and path,
 * code, status, request ID, the public message) — no stack, cause or body.
 * Every line and body carries the request ID.
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
    const conventional = isAppError(error) ? undefined : readHttpError(error);
    const context = getRequestContext();
    const logger = configured === false ? undefined : chooseLogger(context?.logger, configured ?? getDefaultLogger());
    if (logger !== undefined) {
      const fields = {
        // A request-context logger already binds the ID; writing it again would duplicate the key.
        ...(boundRequestId(logger) === undefined ? { requestId: context?.requestId } : {}),
        method: req.method,
        url: redactUrl(`http://localhost${req.url ?? '/'}`).replace('http://localhost', ''),
        status,
      };
      // Under `error`, not pino's `err`: its serializer writes `"stack":""` for an object without one.
      if (isUpstreamError(error)) {
        logger.debug({ ...fields, code: error.code, message: error.publicMessage }, 'request_failed');
      } else if (isAppError(error)) {
        logger[status >= 500 ? 'warn' : 'info']({ ...fields, error: error.toJSON() }, 'request_failed');
      } else if (conventional !== undefined) {
        // The framework's own 4xx is the caller's mistake: a warning, without a stack; never the request body.
        const level = conventional.status >= 500 ? 'error' : 'warn';
        logger[level]({ ...fields, code: conventional.code, error: httpErrorFields(error as object, conventional.status) }, 'request_failed');
      } else {
        logger.error({ ...fields, error: safeUnknownError(error) }, 'request_failed_unexpectedly');
      }
    }
    res.statusCode = status;
    for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
    res.end(JSON.stringify(body));
  };
}

/**
 * An `http-errors` error as a log line shows it: class, message (redacted, without the request body a
 * parser quotes), body-parser's `type` (`entity.parse.failed`), and for a 5xx its redacted stack —
 * never the `body` it carries.
 */
function httpErrorFields(error: object, status: number): Record<string, unknown> {
  const { name, message, type, stack, body } = error as { name?: unknown; message?: unknown; type?: unknown; stack?: unknown; body?: unknown };
  const fields: Record<string, unknown> = {
    name: typeof name === 'string' ? name : 'Error',
    message: typeof message === 'string' ? publicText(message, body) : '',
  };
  if (typeof type === 'string') fields.type = type;
  if (status >= 500 && typeof stack === 'string' && stack !== '') fields.stack = publicText(stack, body);
  return fields;
}

/** An unknown error's class, redacted message and redacted stack — the stack only when it has one. */
function safeUnknownError(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { type: typeof error, name: typeof error, message: redactText(String(error)) };
  const fields: Record<string, unknown> = { type: error.name, name: error.name, message: redactText(error.message) };
  if (typeof error.stack === 'string' && error.stack !== '') fields.stack = redactText(error.stack);
  return fields;
}
