import { forgetSecret, rememberSecret } from '../logging/known-secrets.js';

/** What the `auth.token` provider is asked with. */
export interface TokenRequest {
  /**
   * True when the upstream answered 401 to the token the client holds: a new
   * token is wanted, not a cached one.
   */
  readonly refresh: boolean;
  /**
   * Aborts when no call waits for this token any more (each was cancelled or
   * ran out of time): concurrent calls share one request for a token.
   */
  readonly signal: AbortSignal;
}

/** A token with its expiry, as a provider may return it. */
export interface ExpiringToken {
  /** The credential, sent after the scheme: `authorization: Bearer <token>`. */
  readonly token: string;
  /**
   * When the token expires, epoch ms. The client asks for a new one before
   * an attempt that would start with less than 30 s left.
   * @default never
   */
  readonly expiresAt?: number | undefined;
}

/**
 * Gives the client a token: returns, or resolves to, a string or an
 * {@link ExpiringToken}. Throwing or rejecting fails the call with
 * `UpstreamCredentialsError`, nothing sent.
 */
export type TokenProvider = (request: TokenRequest) => string | ExpiringToken | PromiseLike<string | ExpiringToken>;

/**
 * Credentials sent on every attempt and hedge: `<header>: <scheme> <token>`.
 * The client keeps the token, asks again when it nears its expiry, and after
 * a 401 asks with `refresh: true` and sends the attempt once more.
 * @example
 * ```ts
 * const billing = createClient('https://billing.internal/', {
 *   auth: { token: ({ refresh, signal }) => tokens.get({ refresh, signal }) },
 * });
 * ```
 */
export interface AuthOptions {
  /** Gives the token; called once for all the calls that need one at the same time. */
  token: TokenProvider;
  /**
   * The scheme written before the token; `''` sends the token alone (e.g. with `header: 'x-api-key'`).
   * @default 'Bearer'
   */
  scheme?: string;
  /**
   * The header that carries the credentials.
   * @default 'authorization'
   */
  header?: string;
}

/** Auth settings with every default filled in; `header` is lower-case. */
export interface ResolvedAuth {
  readonly token: TokenProvider;
  readonly scheme: string;
  readonly header: string;
}

/** A token is renewed before an attempt when less than this is left before its `expiresAt`, in ms. */
export const REFRESH_BEFORE_EXPIRY_MS = 30_000;

const HTTP_TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** A token that may stand in a header value: visible Latin-1, no CR, LF or NUL, no leading or trailing space. */
// eslint-disable-next-line no-control-regex -- the point is to refuse control characters
const HEADER_VALUE = /^[^\s\x00-\x1f\x7f\u0100-\uffff](?:[^\x00-\x1f\x7f\u0100-\uffff]*[^\s\x00-\x1f\x7f\u0100-\uffff])?$/;
const KNOWN = new Set(['token', 'scheme', 'header']);

/** `<path> must be <rule>, got <kind>`: the value is never shown (it may be a credential). */
function invalid(path: string, rule: string, value: unknown): TypeError {
  const kind = value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
  return new TypeError(`${path} must be ${rule}, got ${kind}`);
}

/**
 * Validates the `auth` client option: off when absent or `false`.
 * @throws TypeError naming `auth`, `auth.token`, `auth.scheme` or `auth.header`.
 */
export function normalizeAuth(value: unknown): ResolvedAuth | undefined {
  if (value === undefined || value === false) return undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid('auth', 'an object { token, scheme?, header? }', value);
  for (const key of Object.keys(value)) {
    if (!KNOWN.has(key)) throw new TypeError(`auth.${key} is not a known option (known: token, scheme, header)`);
  }
  const { token, scheme = 'Bearer', header = 'authorization' } = value as Partial<Record<string, unknown>>;
  if (typeof token !== 'function') throw invalid('auth.token', 'a function ({ refresh, signal }) => token', token);
  if (typeof scheme !== 'string' || (scheme !== '' && !HTTP_TOKEN.test(scheme))) {
    throw invalid('auth.scheme', "an authentication scheme (an HTTP token such as 'Bearer') or ''", scheme);
  }
  if (typeof header !== 'string' || !HTTP_TOKEN.test(header)) throw invalid('auth.header', 'a header name', header);
  return { token: token as TokenProvider, scheme, header: header.toLowerCase() };
}

/** A token the client holds. */
export interface HeldToken {
  /** The token itself. */
  readonly token: string;
  /** The header value: `<scheme> <token>`. */
  readonly value: string;
  /** Expiry, epoch ms, if the provider said. */
  readonly expiresAt: number | undefined;
}

/** The provider threw, rejected, or gave something that is not a token: the call's `UpstreamCredentialsError`. */
export class ProviderFailed extends Error {
  /** @param cause - What the provider threw, or the TypeError describing what it gave. */
  constructor(cause: unknown) {
    super('the auth token provider failed', { cause });
  }
}

/**
 * The credentials of one client: the token it holds, and at most one
 * request to the provider at a time, which every call needing a token joins.
 * The provider's request is aborted when every call waiting for it has given
 * up. The last two tokens are known to the redaction (see `known-secrets`),
 * so neither appears in a log line, message or `toJSON()`, even echoed by the
 * upstream.
 */
export class Credentials {
  /** The lower-case header that carries the credentials. */
  readonly header: string;
  readonly #options: ResolvedAuth;
  readonly #now: () => number;
  #current: HeldToken | undefined;
  #previous: HeldToken | undefined;
  #pending: PendingToken | undefined;
  /** Tokens handed to calls but not held (their request was overtaken), scrubbed until the next token is held. */
  #strays: string[] = [];
  /** Counts the requests to the provider: only the latest one's token is held. */
  #requests = 0;

  /**
   * @param options - The resolved `auth` option.
   * @param now - The clock `expiresAt` is compared with (epoch ms).
   */
  constructor(options: ResolvedAuth, now: () => number = Date.now) {
    this.header = options.header;
    this.#options = options;
    this.#now = now;
  }

  /** The held token when it can be sent as it is (not within 30 s of its expiry): no wait. */
  fresh(): HeldToken | undefined {
    const current = this.#current;
    if (current?.expiresAt !== undefined && current.expiresAt - this.#now() < REFRESH_BEFORE_EXPIRY_MS) return undefined;
    return current;
  }

  /**
   * A token to send, from the provider when the held one will not do.
   *
   * @param rejected - The token the upstream answered 401 to: the provider is asked with `refresh: true`, unless another call has already replaced it.
   * @param signal - Stops this call's wait; the provider's request goes on while another call waits for it.
   * @param maxWaitMs - How long this call may wait. It does not join a request that has already run that long
   *   (a provider that hangs would otherwise hold every later call as long as one still waits): it asks anew, and
   *   the old request is aborted once its own waiters have given up.
   * @returns The token; rejects with {@link ProviderFailed}, or with the signal's reason.
   */
  obtain(rejected: HeldToken | undefined, signal: AbortSignal, maxWaitMs = Number.POSITIVE_INFINITY): Promise<HeldToken> {
    if (signal.aborted) return Promise.reject(signal.reason as Error);
    const fresh = this.fresh();
    if (fresh !== undefined && fresh !== rejected) return Promise.resolve(fresh);
    const refresh = rejected !== undefined && rejected === this.#current;
    let pending = this.#pending;
    // A refresh must not ride on a plain request that began before the 401: it may hand back the rejected token.
    if (pending === undefined || (refresh && !pending.refresh) || performance.now() - pending.startedAt >= maxWaitMs) pending = this.#request(refresh);
    return pending.wait(signal);
  }

  #request(refresh: boolean): PendingToken {
    const controller = new AbortController();
    const promise = this.#ask(refresh, controller.signal);
    const pending = new PendingToken(refresh, promise, controller, () => {
      if (this.#pending === pending) this.#pending = undefined;
    });
    this.#pending = pending;
    // Registered before any waiter's: the next call that needs a token after this one settled asks anew.
    promise.then(pending.settled, pending.settled);
    return pending;
  }

  async #ask(refresh: boolean, signal: AbortSignal): Promise<HeldToken> {
    const request = ++this.#requests;
    const held = accept(await this.#options.token({ refresh, signal }), this.#options.scheme);
    // A request every call gave up on may still answer: nobody asked for that token any more. Nor is a plain request
    // that a refresh overtook (a 401 meanwhile) let to replace the refreshed token with an older one.
    if (!signal.aborted && request === this.#requests) this.#hold(held);
    else if (!signal.aborted) {
      // Its waiters still send it: scrubbed like a held one until the next token is held.
      rememberSecret(held.token);
      this.#strays.push(held.token);
    }
    return held;
  }

  /** Holds a new token; the one before the previous is no longer scrubbed from text. */
  #hold(held: HeldToken): void {
    rememberSecret(held.token);
    for (const stray of this.#strays.splice(0)) forgetSecret(stray);
    if (this.#previous !== undefined) forgetSecret(this.#previous.token);
    this.#previous = this.#current;
    this.#current = held;
  }
}

/** What a provider gave, checked: a token that can stand in a header, and a finite `expiresAt` if any. */
function accept(given: unknown, scheme: string): HeldToken {
  let token: unknown = given;
  let expiresAt: unknown;
  if (typeof given === 'object' && given !== null) {
    token = (given as { token?: unknown }).token;
    expiresAt = (given as { expiresAt?: unknown }).expiresAt;
  }
  if (typeof token !== 'string' || !HEADER_VALUE.test(token)) {
    throw invalid('auth.token()', 'a string or { token, expiresAt } whose token is visible Latin-1 text without CR, LF or NUL', token);
  }
  if (expiresAt !== undefined && (typeof expiresAt !== 'number' || !Number.isFinite(expiresAt))) {
    throw invalid('auth.token().expiresAt', 'a finite number (epoch ms)', expiresAt);
  }
  return { token, value: scheme === '' ? token : `${scheme} ${token}`, expiresAt };
}

/** One request to the provider, shared by the calls waiting for it. */
class PendingToken {
  #waiters = 0;
  /** When the provider was asked, on the `performance.now()` clock. */
  readonly startedAt = performance.now();

  /**
   * @param refresh - Asked with `refresh: true`.
   * @param promise - The provider's answer, checked.
   * @param controller - Aborts the provider's signal.
   * @param settled - Forgets this request (it settled, or every waiter gave up).
   */
  constructor(
    readonly refresh: boolean,
    readonly promise: Promise<HeldToken>,
    readonly controller: AbortController,
    readonly settled: () => void,
  ) {}

  /** Waits for the token, or until `signal` aborts; rejects with {@link ProviderFailed} or the signal's reason. */
  wait(signal: AbortSignal): Promise<HeldToken> {
    if (signal.aborted) return Promise.reject(signal.reason as Error);
    this.#waiters++;
    return new Promise((resolve, reject) => {
      let waiting = true;
      const leave = (): boolean => {
        if (!waiting) return false;
        waiting = false;
        this.#waiters--;
        signal.removeEventListener('abort', onAbort);
        return true;
      };
      const onAbort = (): void => {
        if (!leave()) return;
        reject(signal.reason as Error);
        if (this.#waiters === 0) {
          this.settled();
          this.controller.abort(new DOMException('No call waits for this token any more', 'AbortError'));
        }
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.promise.then(
        (held) => {
          if (leave()) resolve(held);
        },
        (error: unknown) => {
          if (leave()) reject(new ProviderFailed(error));
        },
      );
    });
  }
}
