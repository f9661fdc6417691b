import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    globalSetup: ['test/setup/postgres.global.ts'],
    // Each test file gets a temporary HOME and XDG folders (test/setup/home.ts).
    setupFiles: ['test/setup/home.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // UI tests need Ink's frames while the app runs; CI=true makes Ink print only at exit (FACTS.md).
    env: { CI: 'false', NO_COLOR: '1' },
  },
});
