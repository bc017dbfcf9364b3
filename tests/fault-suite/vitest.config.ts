import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'fault-suite',
    include: ['src/**/*.test.ts'],
    testTimeout: 60_000,
  },
});
