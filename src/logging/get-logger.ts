import type { Logger } from 'pino';

import { getRequestContext } from '../context/request-context.js';
import { getDefaultLogger, isDefaultLogger } from './default-logger.js';

/**
 * The logger for the code running now: inside a request context, the logger
 * bound to that request (every line carries its `requestId`); outside one,
 * `fallback`, else the package's default logger. One call for handler code,
 * instead of `getRequestContext()?.logger ?? …`.
 *
 * When `requestContext()` was given no logger (its logger is only a child of
 * the package's default) and you pass your own as `fallback`, yours wins,
 * bound to the request ID — as the clients and `errorHandler()` do. A context
 * made by `withRequestContext` without a logger gets a child of `fallback`
 * (or of the default logger) bound to its request ID.
 *
 * @param fallback - Your service's logger, for code that may run outside a request.
 * @returns A pino logger; never `undefined`.
 * @example
 * ```ts
 * app.get('/orders/:id', async (req, res) => {
 *   getLogger().info({ orderId: req.params.id }, 'order_requested'); // {"requestId":"…","orderId":"42",…}
 * });
 * ```
 */
export function getLogger(fallback?: Logger): Logger {
  const context = getRequestContext();
  const own = fallback ?? getDefaultLogger();
  if (context === undefined) return own;
  const bound = context.logger;
  if (bound !== undefined && !(isDefaultLogger(bound) && fallback !== undefined && !isDefaultLogger(fallback))) return bound;
  return childFor(own, context.requestId);
}

/** One child per logger and request ID, so repeated calls in one request allocate once. */
const children = new WeakMap<Logger, { requestId: string; child: Logger }>();

function childFor(logger: Logger, requestId: string): Logger {
  const cached = children.get(logger);
  if (cached?.requestId === requestId) return cached.child;
  const child = logger.child({ requestId });
  children.set(logger, { requestId, child });
  return child;
}
