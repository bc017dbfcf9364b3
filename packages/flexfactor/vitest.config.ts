import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'flexfactor',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
  },
});
