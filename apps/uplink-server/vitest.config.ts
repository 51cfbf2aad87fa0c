import { defineConfig } from 'vitest/config';

// The same limits as the package's test script, so that a plain `npx vitest run` here behaves alike: the
// tests start PGlite and PostgreSQL, which take seconds on a loaded machine. No test relies on a deadline.
export default defineConfig({
  test: { testTimeout: 120_000, hookTimeout: 300_000 },
});
