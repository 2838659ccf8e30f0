import { AsyncLocalStorage } from 'node:async_hooks';

import type { Logger } from 'pino';

import { LinkedSignal } from './linked-signal.js';
import { assertSafeRequestId, generateRequestId } from './request-id.js';
import { MAX_TIMER_MS } from './timers.js';

/** What a request context holds. */
export interface RequestContext {
  /** The request ID of the inbound request, sent on every outgoing call. */
  readonly requestId: string;
  /** A logger bound to this request; clients log through it when present. */
  readonly logger?: Logger | undefined;
  /**
   * Aborts when the work this context stands for is cancelled (for
   * `requestContext()`: the caller hung up before the response was sent).
   * Every client call made inside the context is cancelled with it and
   * rejects with `UpstreamAbortedError`; pass it to your own I/O too.
   */
  readonly signal?: AbortSignal | undefined;
  /**
   * When the work must be done, in epoch milliseconds (`Date.now()` clock).
   * Every client call made inside the context ends by then: its total timeout
   * is the smaller of `timeout.total` and the time left, and past it a call
   * rejects at once, nothing sent, with `UpstreamTimeoutError`
   * (`timeoutKind: 'deadline'`).
   */
  readonly deadline?: number | undefined;
}

/** Input of {@link withRequestContext}. */
export interface RequestContextInit {
  /**
   * The request ID. Must be 1–128 characters of `[A-Za-z0-9._:-]`.
   * @default the outer context's, else a new UUID
   */
  requestId?: string | undefined;
  /**
   * A logger for this request; it wins over a client's own logger.
   * @default the outer context's, else none
   */
  logger?: Logger | undefined;
  /**
   * Cancels every client call made inside the context. Inside an outer
   * context with a signal, both apply (while `fn` runs: until its promise settles).
   * @default the outer context's signal, else none
   */
  signal?: AbortSignal | undefined;
  /**
   * Time the work may take from now, in milliseconds (a number > 0, at most
   * 2 147 483 647); sets the context's `deadline`. Inside an outer context
   * with a deadline, the earlier one wins.
   * @default the outer context's deadline, else none
   */
  timeoutMs?: number | undefined;
}

const storage = new AsyncLocalStorage<RequestContext>();

/**
 * Runs `fn` inside a request context: every client call made from it (across
 * awaits, timers and retries) sends this request ID, logs with it, is
 * cancelled by `signal` and ends by the deadline `timeoutMs` sets. For jobs
 * and queue consumers; `requestContext()` does the same for inbound requests.
 * A context opened inside another inherits what it is not given; deadlines
 * and signals add up (the earlier deadline wins, either signal cancels).
 *
 * @throws TypeError naming the option when `requestId` is not a safe request
 *   ID, `signal` is not an `AbortSignal` or `timeoutMs` is not a number > 0
 *   and at most 2 147 483 647.
 * @example
 * ```ts
 * // A job that must be done in 5 s and stops when the process shuts down:
 * await withRequestContext({ requestId: 'job-42', signal: shutdown.signal, timeoutMs: 5_000 }, () =>
 *   billing.post('invoices/7/reminders'),
 * );
 * ```
 */
export function withRequestContext<T>(init: RequestContextInit, fn: () => T): T {
  if (init.requestId !== undefined) assertSafeRequestId(init.requestId, 'requestId');
  const { signal, timeoutMs } = init;
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new TypeError(`signal must be an AbortSignal, got ${signal === null ? 'null' : typeof signal}`);
  }
  if (timeoutMs !== undefined && (typeof timeoutMs !== 'number' || !(timeoutMs > 0 && timeoutMs <= MAX_TIMER_MS))) {
    throw new TypeError(`timeoutMs must be a number > 0 and <= ${MAX_TIMER_MS}, got ${typeof timeoutMs === 'number' ? String(timeoutMs) : typeof timeoutMs}`);
  }
  const outer = storage.getStore();
  let deadline = timeoutMs === undefined ? undefined : Date.now() + timeoutMs;
  const outerDeadline = outer?.deadline;
  if (outerDeadline !== undefined && !(deadline !== undefined && deadline < outerDeadline)) deadline = outerDeadline;
  const outerSignal = outer?.signal;
  const linked = signal !== undefined && outerSignal !== undefined && signal !== outerSignal ? new LinkedSignal(outerSignal, signal) : undefined;
  const context: RequestContext = {
    requestId: init.requestId ?? outer?.requestId ?? generateRequestId(),
    logger: init.logger ?? outer?.logger,
    signal: linked?.signal ?? signal ?? outerSignal,
    deadline,
  };
  if (linked === undefined) return storage.run(context, fn);
  let result: T;
  try {
    result = storage.run(context, fn);
  } catch (error) {
    linked.dispose();
    throw error;
  }
  if (!(result instanceof Promise)) {
    linked.dispose();
    return result;
  }
  // The same settlement, so an unhandled rejection stays unhandled; the outer signal keeps no listener once fn is done.
  return result.finally(() => {
    linked.dispose();
  }) as T;
}

/** The current request context, or `undefined` outside one. */
export function getRequestContext(): RequestContext | undefined {
  return storage.getStore();
}

/** The current request ID, or `undefined` outside a request context. */
export function getRequestId(): string | undefined {
  return storage.getStore()?.requestId;
}
