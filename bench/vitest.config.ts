import { defineProject } from 'vitest/config';

// Only the unit tests of the harness's helpers: the scenarios are benchmarks, run by
// `pnpm bench`, never by `pnpm test`.
export default defineProject({
  test: {
    name: 'bench',
    include: ['lib/**/*.test.ts'],
  },
});
