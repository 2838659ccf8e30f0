import { fileURLToPath } from 'node:url';

import { defineConfig } from 'vitest/config';

// Tests import the package by its public entry points, as users do.
const entryPoints = [
  { find: /^resilient-http\/otel$/, replacement: fileURLToPath(new URL('./src/otel/index.ts', import.meta.url)) },
  { find: /^resilient-http\/testing$/, replacement: fileURLToPath(new URL('./src/testing/index.ts', import.meta.url)) },
  { find: /^resilient-http$/, replacement: fileURLToPath(new URL('./src/index.ts', import.meta.url)) },
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
