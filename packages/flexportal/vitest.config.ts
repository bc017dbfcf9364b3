import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'flexportal',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
  },
});
