import { redactText, redactUrl } from '../logging/redact.js';
import type { SearchParamsInit } from './types.js';

const PLACEHOLDER = /\{([^{}]+)\}/g;
const SCHEME = /^[a-z][a-z0-9+.-]*:/i;
const ABSOLUTE_HTTP = /^https?:\/\//i;
/**
 * Paths that resolve to themselves under any base: segments of unreserved
 * characters other than `.` (so no dot-segment, not even encoded), and
 * percent-escapes other than `%2E`. For these, the URL is the base's href
 * plus the path, with no URL parsed per call (measured in bench/).
 */
const PLAIN_PATH = /^(?:[A-Za-z0-9_~!*'()-]|%(?![2][Ee])[0-9A-Fa-f]{2})+(?:\/(?:[A-Za-z0-9_~!*'()-]|%(?![2][Ee])[0-9A-Fa-f]{2})+)*\/?$/;

/** What is read of a base URL on every call, computed once per base. */
interface BaseParts {
  readonly href: string;
  readonly origin: string;
  readonly pathname: string;
}

const baseParts = new WeakMap<URL, BaseParts>();

function partsOf(base: URL): BaseParts {
  let parts = baseParts.get(base);
  if (parts === undefined) {
    parts = { href: base.href, origin: base.origin, pathname: base.pathname };
    baseParts.set(base, parts);
  }
  return parts;
}

/**
 * Resolves `path` against the base URL and keeps it there. `{name}`
 * placeholders are filled from `params`, each value percent-encoded, so user
 * input cannot add segments or a query. An absolute URL is accepted only when
 * it has the base URL's origin, no user-info, and lies under the base path
 * (a pagination `Link`); another origin, a `//host` path, or `..` segments
 * that climb above the base path are refused. `searchParams` replace the
 * parameters of the same name in the path's own query and add the others.
 *
 * @throws TypeError naming the path or the parameter.
 */
export function resolveUrl(
  base: URL,
  path: string,
  params: Record<string, string | number> | undefined,
  searchParams: SearchParamsInit | undefined,
): string {
  if (typeof path !== 'string') throw new TypeError(`path must be a string, got ${typeof path}`);
  const filled = path.includes('{') ? fillParams(path, params) : path;
  const parts = partsOf(base);
  const relative = filled.startsWith('/') && !filled.startsWith('//') ? filled.slice(1) : filled;
  if (searchParams === undefined && PLAIN_PATH.test(relative)) return parts.href + relative;
  const absolute = ABSOLUTE_HTTP.test(filled);
  if ((SCHEME.test(filled) && !absolute) || /^[\\/]{2}/.test(filled) || /^\/\\/.test(filled)) {
    throw new TypeError(`path must be relative to the base URL, got "${redactText(filled)}"`);
  }
  const url = absolute ? parseAbsolute(filled) : new URL(relative, base);
  if (url.origin !== parts.origin || !url.pathname.startsWith(parts.pathname) || url.username !== '' || url.password !== '') {
    throw new TypeError(`path "${redactText(filled)}" resolves outside the base URL ${redactUrl(base)}`);
  }
  if (searchParams !== undefined) appendSearchParams(url, searchParams);
  return url.href;
}

function parseAbsolute(text: string): URL {
  try {
    return new URL(text);
  } catch {
    throw new TypeError(`path "${redactText(text)}" is not a valid absolute URL`);
  }
}

/** Adds `init` to the URL's query; each name it sets replaces that name's values already there. */
function appendSearchParams(url: URL, init: SearchParamsInit): void {
  const pairs = searchPairs(init);
  for (const name of new Set(pairs.map(([key]) => key))) url.searchParams.delete(name);
  for (const [name, value] of pairs) url.searchParams.append(name, value);
}

function fillParams(path: string, params: Record<string, string | number> | undefined): string {
  return path.replace(PLACEHOLDER, (_match, name: string) => {
    const value = params?.[name];
    if (value === undefined) throw new TypeError(`params.${name} is required by path "${redactText(path)}"`);
    if (typeof value !== 'string' && typeof value !== 'number') {
      throw new TypeError(`params.${name} must be a string or number, got ${typeof value}`);
    }
    const text = String(value);
    // "." and ".." would still be dot-segments after encoding (URL parsers decode %2E).
    if (text === '' || text === '.' || text === '..') {
      throw new TypeError(`params.${name} must not be empty, "." or "..", got "${text}"`);
    }
    return encodeURIComponent(text);
  });
}

function searchPairs(init: SearchParamsInit): [string, string][] {
  if (typeof init === 'string' || init instanceof URLSearchParams || Array.isArray(init)) {
    return [...new URLSearchParams(init as string | URLSearchParams | string[][])];
  }
  const pairs: [string, string][] = [];
  if (typeof init !== 'object' || init === null) throw new TypeError(`searchParams must be an object, string or URLSearchParams, got ${typeof init}`);
  for (const [name, value] of Object.entries(init)) {
    if (value === undefined) continue;
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
      throw new TypeError(`searchParams.${name} must be a string, number or boolean, got ${typeof value}`);
    }
    pairs.push([name, String(value)]);
  }
  return pairs;
}
