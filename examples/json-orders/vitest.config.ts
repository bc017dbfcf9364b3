import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'example-json-orders',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
  },
});
