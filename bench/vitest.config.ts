import { defineProject } from 'vitest/config';

// Only the unit tests of the statistics helpers: the scenarios are benchmarks, run by
// `pnpm bench`, never by `pnpm test`.
export default defineProject({
  test: {
    name: 'bench',
    include: ['lib/**/*.test.ts'],
  },
});
