import { AsyncLocalStorage } from 'node:async_hooks';

import type { Logger } from 'pino';

import { assertSafeRequestId, generateRequestId } from './request-id.js';

/** What a request context holds. */
export interface RequestContext {
  /** The request ID of the inbound request, sent on every outgoing call. */
  readonly requestId: string;
  /** A logger bound to this request; clients log through it when present. */
  readonly logger?: Logger | undefined;
}

/** Input of {@link withRequestContext}. */
export interface RequestContextInit {
  /** The request ID; generated (UUID) when absent. Must be 1–128 characters of `[A-Za-z0-9._:-]`. */
  requestId?: string | undefined;
  /** A logger for this request; it wins over a client's own logger. */
  logger?: Logger | undefined;
}

const storage = new AsyncLocalStorage<RequestContext>();

/**
 * Runs `fn` inside a request context: every client call made from it (across
 * awaits, timers and retries) sends this request ID and logs with it.
 *
 * @throws TypeError when `requestId` is not a safe request ID.
 * @example
 * ```ts
 * await withRequestContext({ requestId: 'req-42' }, () => billing.get('invoices/7'));
 * ```
 */
export function withRequestContext<T>(init: RequestContextInit, fn: () => T): T {
  if (init.requestId !== undefined) assertSafeRequestId(init.requestId, 'requestId');
  const context: RequestContext = { requestId: init.requestId ?? generateRequestId(), logger: init.logger };
  return storage.run(context, fn);
}

/** The current request context, or `undefined` outside one. */
export function getRequestContext(): RequestContext | undefined {
  return storage.getStore();
}

/** The current request ID, or `undefined` outside a request context. */
export function getRequestId(): string | undefined {
  return storage.getStore()?.requestId;
}
