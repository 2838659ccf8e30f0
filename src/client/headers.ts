import { HTTP_TOKEN } from '../policies/validate.js';

export { HTTP_TOKEN };

/**
 * Headers the HTTP layer owns: fetch computes them or refuses them, and
 * undici throws on some only once the request is being sent — where the
 * error would look like a network failure and be retried.
 */
const TRANSPORT_HEADERS = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'expect',
  'te',
  'trailer',
  'content-length',
]);

/**
 * Copies headers into `to` (lower-case names), refusing up front what fetch
 * would refuse later: invalid names, values with CR, LF or NUL or outside
 * Latin-1, and transport headers.
 *
 * @param path - The option path for error messages, e.g. `options.headers`.
 * @throws TypeError naming the header.
 */
export function copyHeaders(path: string, from: Record<string, string> | Headers, to: Record<string, string>): void {
  const entries = from instanceof Headers ? from.entries() : Object.entries(from);
  for (const [name, value] of entries) {
    if (!HTTP_TOKEN.test(name)) throw new TypeError(`${path} has an invalid header name ${JSON.stringify(name)}`);
    const lower = name.toLowerCase();
    if (TRANSPORT_HEADERS.has(lower)) throw new TypeError(`${path}.${lower} is set by the HTTP layer and cannot be given`);
    // eslint-disable-next-line no-control-regex -- the point is to find control characters
    if (typeof value !== 'string' || /[\r\n\0]|[^\x00-\xff]/.test(value)) {
      throw new TypeError(`${path}.${lower} must be a string of Latin-1 characters without CR, LF or NUL`);
    }
    to[lower] = value;
  }
}
