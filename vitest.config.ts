import { defineConfig } from 'vitest/config';

// One vitest run covers every workspace package; each package's own vitest.config.ts names it
// and sets its timeouts. `.ci/run` reads the JSON reporter's counts from this run.
export default defineConfig({
  test: {
    projects: ['packages/*', 'apps/*', 'examples/*', 'tests/*', 'bench'],
  },
});
