/** The HTTP clients and compositions the benchmarks compare, built the same way for every table. */
import { randomUUID } from 'node:crypto';

import {
  ConsecutiveBreaker,
  ExponentialBackoff,
  TimeoutStrategy,
  circuitBreaker,
  handleAll,
  retry,
  timeout,
  wrap,
} from 'cockatiel';
import type { IPolicy } from 'cockatiel';
import ky from 'ky';
import type { KyInstance } from 'ky';
import { fetch as undiciFetch } from 'undici';

/** ky with its own retry and timeout off: the baseline every policy is measured against. */
export function bareKy(): KyInstance {
  return ky.create({ retry: 0, timeout: false });
}

/** The init key the floor contender hands its fetch (an option ky does not know, so it passes it on). */
const FLOOR_INIT = 'floorInit';

/**
 * Bare ky whose every call carries what each of the client's attempts must,
 * and nothing else: its own abort signal with a 10 s timer, a fresh
 * request-ID header and `redirect: 'manual'`, in fetch's `init` — the floor
 * under any client on ky with those features, and so what the 0.95× goal is
 * measured against in practice. Parsed with `text()` and `JSON.parse`, as
 * the client reads bodies.
 *
 * @param fetchImpl - The fetch under ky; the global one, read at each call, when absent.
 */
export function kyWithAttemptFloor(fetchImpl?: typeof fetch): (url: string) => Promise<unknown> {
  const http = ky.create({
    retry: 0,
    timeout: false,
    throwHttpErrors: false,
    fetch: (input: Request | URL | string, init?: RequestInit & { [FLOOR_INIT]?: RequestInit }) =>
      (fetchImpl ?? globalThis.fetch)(input, init?.[FLOOR_INIT] ?? init),
  });
  return async (url) => {
    const controller = new AbortController();
    const timer = setTimeout(() => {
      controller.abort();
    }, 10_000);
    try {
      const init: RequestInit = { method: 'GET', headers: { 'x-request-id': randomUUID() }, signal: controller.signal, redirect: 'manual' };
      const options = { method: 'GET', [FLOOR_INIT]: init };
      const response = await http(url, options);
      return JSON.parse(await response.text()) as unknown;
    } finally {
      clearTimeout(timer);
    }
  };
}

/**
 * The composition a developer writes by hand from the two libraries' READMEs:
 * retry around breaker around an aggressive timeout, handling everything.
 * The ky inside has retry 0 and timeout off (cockatiel owns both).
 */
export function naivePolicy(): IPolicy {
  return wrap(
    retry(handleAll, { maxAttempts: 2, backoff: new ExponentialBackoff() }),
    circuitBreaker(handleAll, { halfOpenAfter: 10_000, breaker: new ConsecutiveBreaker(5) }),
    timeout(10_000, TimeoutStrategy.Aggressive),
  );
}

/** A GET through the naive composition, body parsed inside `execute()` (cockatiel aborts it on return). */
export function naiveGet(policy: IPolicy, http: KyInstance, url: string): Promise<unknown> {
  return policy.execute(({ signal }) => http.get(url, { signal }).json());
}

/**
 * undici 8's `fetch`, adapted to the global `Request` that ky hands to
 * `fetch`. Passed as is, undici's fetch does not recognise Node's bundled
 * `Request` class and rejects every call with "Failed to parse URL from
 * [object Request]": the adapter copies the request's fields into a plain
 * init instead.
 */
export const undiciFetchForKy: typeof fetch = async (input, init) => {
  if (!(input instanceof Request)) return (await undiciFetch(input, init as never)) as unknown as Response;
  const response = await undiciFetch(input.url, {
    method: input.method,
    headers: [...input.headers],
    signal: input.signal,
    ...(input.body === null ? {} : { body: input.body as never, duplex: 'half' }),
    ...(init as object),
  });
  return response as unknown as Response;
};

/** undici 8's fetch as it is, for the raw-fetch row. */
export function rawUndiciFetch(url: string): Promise<unknown> {
  return undiciFetch(url).then((response) => response.json());
}
