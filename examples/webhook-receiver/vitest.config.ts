import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'example-webhook-receiver',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // Generous limits: CI runs every project at once on two shared cores; no test asserts timing.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
