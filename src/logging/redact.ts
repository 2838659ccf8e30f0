import { redactJsonMembers } from './json-members.js';
import { scrubKnownSecrets } from './known-secrets.js';

/**
 * The one redaction module: every URL, header set, text excerpt and error
 * message that leaves the SDK (log line, error message, `toJSON()`, error
 * response) goes through these functions.
 */

/** What replaces a secret value. */
export const REDACTED = '[REDACTED]';

const SECRET_HEADERS = new Set([
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-api-key',
  'api-key',
  'x-auth-token',
  'x-csrf-token',
  'x-amz-security-token',
]);


const SECRET_PARAMS = new Set([
  'token',
  'access_token',
  'refresh_token',
  'id_token',
  'key',
  'api_key',
  'apikey',
  'api-key',
  'secret',
  'client_secret',
  'password',
  'passwd',
  'pwd',
  'signature',
  'sig',
  'code',
  'auth',
  'authorization',
  'session',
  'sessionid',
  'x-amz-signature',
  'x-amz-credential',
  'x-amz-security-token',
]);

/**
 * Secret-looking name endings, matched on the lower-cased name with or without
 * a separator, so `accessToken`, `client_secret`, `X-Auth-Token`,
 * `privateKey` and `db_password` are all caught.
 */
const SECRET_SUFFIX = /(?:token|secret|passw(?:or)?d|pwd|signature|api[-_]?key|private[-_]?key|access[-_]?key|credentials?|session(?:[-_]?id)?)$/;

/** True when a header of this name carries a credential. Case-insensitive. */
export function isSecretHeader(name: string): boolean {
  const lower = name.toLowerCase();
  return SECRET_HEADERS.has(lower) || SECRET_SUFFIX.test(lower);
}

/** True when a query parameter (or JSON key) of this name looks like a secret. Case-insensitive. */
export function isSecretParam(name: string): boolean {
  const lower = name.toLowerCase();
  return SECRET_PARAMS.has(lower) || SECRET_SUFFIX.test(lower);
}

/**
 * Names secret in a query string only: `code` is an OAuth grant in a URL but
 * an error code as a JSON member (e.g. a problem details extension).
 */
const QUERY_ONLY_SECRETS = new Set(['code']);

/** True when a JSON member (or object key) of this name looks like a secret. Case-insensitive. */
function isSecretMember(name: string): boolean {
  return !QUERY_ONLY_SECRETS.has(name.toLowerCase()) && (isSecretParam(name) || isSecretHeader(name));
}

/**
 * A URL safe to log: user-info and fragment removed, secret-looking query values replaced.
 * Anything that does not parse as a URL is returned through {@link redactText}.
 */
export function redactUrl(url: string | URL): string {
  let parsed: URL;
  try {
    parsed = typeof url === 'string' ? new URL(url) : new URL(url.href);
  } catch {
    return redactText(String(url));
  }
  parsed.username = '';
  parsed.password = '';
  // A fragment is never sent, and OAuth's implicit flow puts tokens there.
  parsed.hash = '';
  if (parsed.search !== '') {
    // Work on the raw pieces so the other parameters stay byte-for-byte as sent.
    const pieces = parsed.search.slice(1).split('&');
    if (pieces.some((piece) => isSecretParam(paramName(piece)))) {
      parsed.search = pieces
        .map((piece) => (isSecretParam(paramName(piece)) ? `${piece.split('=', 1)[0] ?? ''}=${REDACTED}` : piece))
        .join('&');
    }
  }
  return parsed.href;
}

/** The decoded name of one raw `name=value` query piece. */
function paramName(piece: string): string {
  const raw = (piece.split('=', 1)[0] ?? '').replaceAll('+', ' ');
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/** A plain, lower-cased header object with credential values replaced. */
export function redactHeaders(
  headers: Headers | Record<string, string | readonly string[] | undefined> | undefined,
): Record<string, string> {
  const out: Record<string, string> = {};
  if (headers === undefined) return out;
  const entries: Iterable<[string, unknown]> =
    headers instanceof Headers ? headers.entries() : Object.entries(headers);
  for (const [name, value] of entries) {
    if (value === undefined) continue;
    const lower = name.toLowerCase();
    out[lower] = isSecretHeader(lower) ? REDACTED : Array.isArray(value) ? value.join(', ') : typeof value === 'string' ? value : JSON.stringify(value);
  }
  return out;
}

const URL_IN_TEXT = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>`]+/gi;
/** `//user:password@` left in text (a scheme-relative URL, or a URL that did not parse). */
const USERINFO_IN_TEXT = /\/\/[^\s/?#@"'<>`]+@/g;
const BEARER_IN_TEXT = /\b(Bearer|Basic|Digest|Token)\s+[A-Za-z0-9._~+/=-]{4,}/gi;
const ASSIGNMENT_IN_TEXT = /\b([A-Za-z0-9_.-]+)(\s*[=:]\s*)([^\s&,;"']+)/g;

/**
 * Free text (an upstream body excerpt, a cause's message) with secrets
 * replaced: the client's own tokens wherever they appear, URL credentials and
 * secret query values, `Bearer …` tokens, JSON members and `key=value` pairs
 * whose key looks secret.
 */
export function redactText(text: string): string {
  const scrubbed = scrubKnownSecrets(text, REDACTED)
    .replace(URL_IN_TEXT, (match) => (URL.canParse(match) ? redactUrl(match) : match))
    .replace(USERINFO_IN_TEXT, '//')
    .replace(BEARER_IN_TEXT, (_match, scheme: string) => `${scheme} ${REDACTED}`);
  return redactJsonMembers(scrubbed, isSecretMember, `"${REDACTED}"`)
    .replace(ASSIGNMENT_IN_TEXT, (match, key: string, sep: string, value: string) =>
      value !== REDACTED && (isSecretParam(key) || isSecretHeader(key)) ? `${key}${sep}${REDACTED}` : match,
    );
}

/**
 * Sets an own, enumerable data property: unlike `target[key] = value`, a key
 * named `__proto__` stays a plain member and never changes the prototype.
 */
export function defineMember(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/**
 * A deep copy of a JSON-like value with the whole value of every
 * secret-looking member replaced, at any depth. The copy is built member by
 * member, so no member (`__proto__` included) can set a prototype.
 */
export function redactObject(value: unknown, depth = 0): unknown {
  if (depth > 8) return '[Truncated]';
  if (typeof value === 'string') return redactText(value);
  if (Array.isArray(value)) return value.map((item) => redactObject(item, depth + 1));
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [key, member] of Object.entries(value)) {
      defineMember(out, key, isSecretMember(key) ? REDACTED : redactObject(member, depth + 1));
    }
    return out;
  }
  return value;
}

/**
 * A body safe to keep and log, cut to `limit` characters (with `…`). JSON is
 * redacted structurally — parsed, every secret-named member replaced whole at
 * any depth, serialised — before it is cut; other text (a body that is not
 * JSON, or JSON already cut off) goes through {@link redactText}, which
 * redacts a secret value the text cuts off to its end.
 */
export function redactBody(text: string, limit: number): string {
  let redacted: string | undefined;
  const start = text.trimStart()[0];
  if (start === '{' || start === '[') {
    try {
      redacted = JSON.stringify(redactObject(JSON.parse(text)));
    } catch {
      redacted = undefined;
    }
  }
  redacted ??= redactText(text);
  return redacted.length > limit ? `${redacted.slice(0, limit)}…` : redacted;
}
