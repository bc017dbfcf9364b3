import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'cli',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // End-to-end tests spawn the built CLI and sandbox processes; each spawn costs ~0.4 s here.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
