import { defineConfig } from 'vitest/config';

// The same limits as the package's test script, so that a plain `npx vitest run` here behaves alike: the
// tests start PGlite and PostgreSQL, which take seconds on a loaded machine. No test relies on a deadline.
// The global setup makes one migrated PGlite directory that the tests' stores start from. The files share
// their worker's module cache (isolate: false): each test starts its own servers, stores and brokers on
// free ports and temporary folders, and loads the apps' catalog once instead of once per file.
export default defineConfig({
  test: {
    testTimeout: 120_000,
    hookTimeout: 300_000,
    globalSetup: ['src/test-setup.ts'],
    isolate: false,
  },
});
