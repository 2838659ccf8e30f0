import { fail } from '../../policies/validate.js';

/** Validates the base URL: absolute http(s), no query or fragment; its path gets a trailing `/`. */
export function normalizeBaseUrl(value: unknown): URL {
  let url: URL;
  try {
    if (typeof value !== 'string' && !(value instanceof URL)) throw new TypeError();
    url = new URL(value);
  } catch {
    fail('baseUrl', 'an absolute http(s) URL', value);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') fail('baseUrl', 'an absolute http(s) URL', url.protocol);
  if (url.search !== '' || url.hash !== '') fail('baseUrl', 'a URL without query or fragment', url.search + url.hash);
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  return url;
}

/** Credentials in the base URL become a Basic `authorization` header (fetch refuses them in URLs). */
export function takeCredentials(url: URL): Record<string, string> {
  if (url.username === '' && url.password === '') return {};
  const user = decodeLenient(url.username);
  const password = decodeLenient(url.password);
  url.username = '';
  url.password = '';
  return { authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` };
}

function decodeLenient(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
