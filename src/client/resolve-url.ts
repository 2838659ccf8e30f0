import { redactText, redactUrl } from '../logging/redact.js';
import type { SearchParamsInit } from './types.js';

const PLACEHOLDER = /\{([^{}]+)\}/g;
const SCHEME = /^[a-z][a-z0-9+.-]*:/i;
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
 * input cannot add segments or a query. An absolute URL, a `//host` path, or
 * `..` segments that climb above the base path are refused.
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
  if (SCHEME.test(filled) || /^[\\/]{2}/.test(filled) || /^\/\\/.test(filled)) {
    throw new TypeError(`path must be relative to the base URL, got "${redactText(filled)}"`);
  }
  const url = new URL(relative, base);
  if (url.origin !== parts.origin || !url.pathname.startsWith(parts.pathname)) {
    throw new TypeError(`path "${redactText(filled)}" resolves outside the base URL ${redactUrl(base)}`);
  }
  if (searchParams !== undefined) appendSearchParams(url, searchParams);
  return url.href;
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

function appendSearchParams(url: URL, init: SearchParamsInit): void {
  if (typeof init === 'string' || init instanceof URLSearchParams || Array.isArray(init)) {
    for (const [name, value] of new URLSearchParams(init as string | URLSearchParams | string[][])) {
      url.searchParams.append(name, value);
    }
    return;
  }
  if (typeof init !== 'object' || init === null) throw new TypeError(`searchParams must be an object, string or URLSearchParams, got ${typeof init}`);
  for (const [name, value] of Object.entries(init)) {
    if (value === undefined) continue;
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
      throw new TypeError(`searchParams.${name} must be a string, number or boolean, got ${typeof value}`);
    }
    url.searchParams.append(name, String(value));
  }
}
