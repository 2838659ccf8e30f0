/**
 * The package entry point as the `undici` vitest project sees it: every
 * export of `resilient-http`, except that `createClient` for an upstream on
 * 127.0.0.1 (a real socket server) sends through `createUndiciFetch()` unless
 * the test gives its own `fetch`. Upstreams under msw (fake hosts) keep the
 * global fetch, which msw intercepts and `createUndiciFetch` would not be.
 * So the socket-based transport and policy tests run unchanged on both transports.
 */
import { createClient as createClientOnGlobalFetch } from '../../src/index.js';
import type { Client, ClientOptions } from '../../src/index.js';
import { createUndiciFetch } from '../../src/undici/index.js';

export * from '../../src/index.js';

/** The one undici fetch the project's clients share (as a service would share one pool). */
export const undiciFetch = createUndiciFetch();

/** Clients built in this project that were given the undici fetch. */
export const transportUse = { undici: 0 };

function isLocal(baseUrl: string | URL): boolean {
  try {
    return new URL(baseUrl).hostname === '127.0.0.1';
  } catch {
    return false; // createClient reports the bad URL itself
  }
}

/** `createClient`, over `createUndiciFetch()` for real local upstreams. */
export function createClient(baseUrl: string | URL, options?: ClientOptions): Client {
  if (options?.fetch !== undefined || !isLocal(baseUrl)) return createClientOnGlobalFetch(baseUrl, options);
  transportUse.undici++;
  return createClientOnGlobalFetch(baseUrl, { ...options, fetch: undiciFetch });
}
