import { fileURLToPath } from 'node:url';

import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // Tests import the package by its public entry points, as users do.
    alias: [
      { find: /^resilient-http\/otel$/, replacement: fileURLToPath(new URL('./src/otel/index.ts', import.meta.url)) },
      { find: /^resilient-http\/testing$/, replacement: fileURLToPath(new URL('./src/testing/index.ts', import.meta.url)) },
      { find: /^resilient-http$/, replacement: fileURLToPath(new URL('./src/index.ts', import.meta.url)) },
    ],
  },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 15_000,
  },
});
