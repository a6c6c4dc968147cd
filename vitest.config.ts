import { defineConfig } from 'vitest/config';

/**
 * One config for unit tests (beside the code) and integration suites (test/).
 * Integration suites start real processes and servers, so they get generous timeouts;
 * no test asserts a time.
 */
export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**', '**/target/**'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ['default'],
  },
});
