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
