import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['mocks/setup.ts'],
    testTimeout: 15_000,
    pool: 'forks',
  },
});
