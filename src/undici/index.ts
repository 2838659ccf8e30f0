/**
 * `resilient-http/undici`: a fetch over an undici pool, for services whose hot
 * path is the HTTP client. undici is an optional peer dependency.
 *
 * @packageDocumentation
 */
export { createUndiciFetch } from './create-undici-fetch.js';
export type { UndiciFetch, UndiciFetchOptions } from './create-undici-fetch.js';
