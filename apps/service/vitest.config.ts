import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'service',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // End-to-end tests start real sandbox and service processes.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
