import { fileURLToPath } from 'node:url';

import { defineConfig } from 'vitest/config';

const source = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

// Tests import the package by its public entry points, as users do.
const subpaths = [
  { find: /^resilient-http\/testing$/, replacement: source('./src/testing/index.ts') },
  { find: /^resilient-http\/undici$/, replacement: source('./src/undici/index.ts') },
];
const entryPoints = [...subpaths, { find: /^resilient-http$/, replacement: source('./src/index.ts') }];

/** The tests that talk to real sockets: they run again with `createUndiciFetch()` as the transport. */
const SOCKET_TESTS = [
  'test/transport/connections.test.ts',
  'test/transport/network-errors.test.ts',
  'test/transport/redirects.test.ts',
  'test/transport/dispatcher.test.ts',
  'test/policies/circuit-breaker-half-open.test.ts',
  'test/policies/deadline.test.ts',
  'test/policies/hedging.test.ts',
  'test/policies/retry.test.ts',
  'test/client/paths.test.ts',
  'test/events/events.test.ts',
  'test/undici/transport-under-test.test.ts',
];

export default defineConfig({
  test: {
    testTimeout: 15_000,
    projects: [
      {
        extends: true,
        resolve: { alias: entryPoints },
        test: { name: 'fetch', include: ['test/**/*.test.ts'] },
      },
      {
        extends: true,
        resolve: {
          alias: [
            ...subpaths,
            { find: /^resilient-http$/, replacement: source('./test/support/undici-transport.ts') },
          ],
        },
        test: { name: 'undici', include: SOCKET_TESTS, env: { RESILIENT_HTTP_TRANSPORT: 'undici' } },
      },
    ],
  },
});
