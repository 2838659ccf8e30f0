/**
 * What the `dispatcher` option accepts: an undici `Dispatcher` (`Agent`,
 * `Pool`, `ProxyAgent`, `EnvHttpProxyAgent`, …), described by the one method
 * fetch calls, so that these declarations compile without undici installed.
 */
export interface DispatcherLike {
  /** Starts one request (undici's `Dispatcher.dispatch`). */
  dispatch(options: object, handler: object): boolean;
}

/** Whether `value` looks like an undici dispatcher: an object with a `dispatch` method. */
export function isDispatcherLike(value: unknown): value is DispatcherLike {
  return typeof value === 'object' && value !== null && typeof (value as { dispatch?: unknown }).dispatch === 'function';
}

// Which dispatchers a fetch takes (verified on Node 22.23, 24.21 and 26.10 with undici 6, 7 and 8):
// undici 6 and 7's fetch hands its dispatcher a v1 handler (onConnect, onHeaders, …, onError), undici 8's a
// v2 one (onRequestStart, onResponseStart, …, onResponseError). undici 6 dispatchers speak v1 only, undici 8
// ones v2 only (undici's "Migrating from Undici 7 to 8"), undici 7 ones both. So Node 22 (undici 6) and
// Node 24 (undici 7) refuse undici 8's dispatchers, and Node 26 (undici 8) refuses undici 6's.

/** The two dispatcher handler APIs. */
type HandlerApi = 'v1' | 'v2';

/** Major version of the undici that the running Node's own fetch is, from `process.versions.undici`. */
function fetchUndiciMajor(): number | undefined {
  const major = Number(process.versions.undici?.split('.')[0]);
  return Number.isInteger(major) && major > 0 ? major : undefined;
}

/**
 * The errors undici's `DispatcherBase.dispatch` raises when a handler lacks the
 * callback of the API it speaks (`invalid onRequestStart method` from undici 8
 * given a v1 handler, `invalid onError method` from undici 6 given a v2 one).
 */
const HANDLER_REFUSAL = /^invalid on[A-Za-z]+ method$/;

/**
 * Whether `dispatcher` takes handlers of `api`: `true`, `false`, or
 * `undefined` when it does not tell. Asks it to dispatch an invalid request
 * (options `null`), which undici's dispatchers refuse at once, sending
 * nothing, through the error callback of the handler API they speak — or, with
 * no such callback, by throwing. Dispatchers that are not undici's own (a
 * proxy's, a mock, a composed one, a wrapper) may not answer: they are judged
 * at their first call instead (see {@link handlerRefusalIn}).
 */
function speaks(dispatcher: DispatcherLike, api: HandlerApi): boolean | undefined {
  let heard = false;
  const onError = (): void => {
    heard = true;
  };
  const handler = api === 'v1'
    ? { onConnect: noop, onHeaders: yes, onData: yes, onComplete: noop, onError }
    : { onRequestStart: noop, onResponseStart: noop, onResponseData: noop, onResponseEnd: noop, onResponseError: onError };
  try {
    dispatcher.dispatch(null as unknown as object, handler);
  } catch (error) {
    if (heard) return true;
    const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
    const refused = code === 'UND_ERR_INVALID_ARG' && typeof message === 'string' &&
      (message === 'opts must be an object.' || HANDLER_REFUSAL.test(message));
    return refused ? false : undefined;
  }
  return heard ? true : undefined;
}

function noop(): void {
  // a probe's callback: nothing to do
}

function yes(): boolean {
  return true;
}

/**
 * The `TypeError` for a dispatcher that the running Node's fetch cannot use:
 * what that fetch takes and what to do.
 *
 * @param why - What is wrong with this dispatcher, in a few words.
 */
export function dispatcherRefusal(why: string): TypeError {
  const major = fetchUndiciMajor() ?? 0;
  const takes = major >= 8 ? 'undici 7 or 8' : 'undici 6 or 7';
  const wrap = major >= 8 ? '' : ', wrap an undici 8 one in undici\'s own Dispatcher1Wrapper,';
  return new TypeError(
    `dispatcher cannot be used by the global fetch of Node ${process.version}, which is undici ${process.versions.undici ?? 'unknown'} ` +
    `and takes dispatchers of ${takes}: ${why}. Use a dispatcher from undici@${String(major)} (npm i undici@${String(major)})${wrap} ` +
    'or give the client createUndiciFetch() from resilient-http/undici as its fetch (it takes dispatchers of undici 7 and 8)',
  );
}

/**
 * Checks, at `createClient`, a dispatcher for the global fetch: a `TypeError`
 * when it is known not to take the handlers the running Node's fetch gives it,
 * `undefined` when it does or does not tell.
 */
export function checkDispatcherForGlobalFetch(dispatcher: DispatcherLike): TypeError | undefined {
  const major = fetchUndiciMajor();
  if (major === undefined) return undefined;
  const api: HandlerApi = major >= 8 ? 'v2' : 'v1';
  if (speaks(dispatcher, api) !== false) return undefined;
  return dispatcherRefusal(api === 'v1'
    ? 'this one takes only the handlers of undici 8 and later'
    : 'this one takes only the handlers of undici 6 and earlier');
}

/**
 * The handler refusal down a fetch failure's cause chain (`TypeError('fetch
 * failed')` → … → `InvalidArgumentError('invalid onRequestStart method')`):
 * its message, or `undefined` for any other failure.
 */
export function handlerRefusalIn(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 6 && typeof current === 'object' && current !== null; depth++) {
    const { code, message, cause } = current as { code?: unknown; message?: unknown; cause?: unknown };
    if (code === 'UND_ERR_INVALID_ARG' && typeof message === 'string' && HANDLER_REFUSAL.test(message)) return message;
    current = cause;
  }
  return undefined;
}

/** Errors a call rejects with as they are, not as an `UpstreamError`: bad input found only when sending. */
const callerErrors = new WeakSet<object>();

/** Marks `error` as the caller's (see {@link isCallerError}) and returns it. */
export function asCallerError<E extends object>(error: E): E {
  callerErrors.add(error);
  return error;
}

/** True for an error about the caller's own input, which a call rejects with unchanged (a `TypeError`). */
export function isCallerError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && callerErrors.has(error);
}
