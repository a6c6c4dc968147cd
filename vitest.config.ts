import { defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

/**
 * One config for unit tests (beside the code) and integration suites (test/).
 * Integration suites start real processes and servers, so they get generous timeouts;
 * no test asserts a time.
 */
export default defineConfig({
  // `import 'noob'` in the repository resolves to the TypeScript sources (the published
  // package's exports point at dist/, which only `npm run build` makes).
  // Without `module`: packages that offer it point it at bundler-only code (the AWS SDK's
  // dist-es, with extensionless imports Node cannot load); Node never picks it either.
  ssr: {
    resolve: {
      conditions: ['noob-source', ...defaultServerConditions.filter((c) => c !== 'module')],
    },
  },
  test: {
    include: ['**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**', '**/target/**'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ['default'],
  },
});
