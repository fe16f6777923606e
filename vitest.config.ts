import { defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

// Inside the monorepo, `@focalgrad/*` imports resolve to the TypeScript sources through the
// `@focalgrad/source` export condition, so tests never need a build (the consumer tests check the
// built packages).
const conditions = ['@focalgrad/source', ...defaultServerConditions];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
