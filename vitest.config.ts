import { fileURLToPath } from 'node:url';

import { defineConfig } from 'vitest/config';

const source = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

// Tests import the package by its public entry points, as users do.
const subpaths = [
  { find: /^resilient-http\/otel$/, replacement: source('./src/otel/index.ts') },
  { find: /^resilient-http\/redis$/, replacement: source('./src/redis/index.ts') },
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
  'test/transport/response-bodies.test.ts',
  'test/client/stream.test.ts',
  'test/client/stream-static-server.test.ts',
  'test/policies/circuit-breaker/circuit-breaker-half-open.test.ts',
  'test/policies/deadline/deadline.test.ts',
  'test/policies/hedging.test.ts',
  'test/policies/retry/retry.test.ts',
  'test/client/paths.test.ts',
  'test/events/events.test.ts',
  'test/undici/transport-under-test.test.ts',
  'test/policies/before-attempt.test.ts',
];

export default defineConfig({
  test: {
    testTimeout: 15_000,
    projects: [
      {
        extends: true,
        resolve: { alias: entryPoints },
        test: { name: 'msw3', include: ['test/**/*.test.ts'], env: { EXPECTED_MSW_MAJOR: '3' } },
      },
      {
        // The socket-based tests again, over createUndiciFetch() (see test/support/undici-transport.ts).
        extends: true,
        resolve: {
          alias: [
            ...subpaths,
            { find: /^resilient-http$/, replacement: source('./test/support/undici-transport.ts') },
          ],
        },
        test: { name: 'undici', include: SOCKET_TESTS, env: { RESILIENT_HTTP_TRANSPORT: 'undici', EXPECTED_MSW_MAJOR: '3' } },
      },
      {
        // The kit's own tests again on msw 2 (the devDependency `msw2` is npm:msw@^2), since the peer range is
        // "^2.4.0 || ^3.0.0": every `msw` import, the kit's included, resolves to msw 2 here.
        extends: true,
        resolve: { alias: [...entryPoints, { find: /^msw(\/.*)?$/, replacement: 'msw2$1' }] },
        test: {
          name: 'msw2',
          env: { EXPECTED_MSW_MAJOR: '2' },
          include: ['test/testing/**/*.test.ts'],
          // These two are the README's examples, written for msw 3 (`onUnhandledFrame`).
          exclude: ['test/testing/readme-*.test.ts'],
        },
      },
    ],
  },
});
