import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The monorepo root (bench/ is one level below it). */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Built entry points the scenarios spawn or import. */
export const BUILT = {
  sandboxBin: `${REPO_ROOT}packages/sandbox/dist/bin.js`,
  cliBin: `${REPO_ROOT}apps/cli/dist/bin.js`,
  serviceBin: `${REPO_ROOT}apps/service/dist/bin.js`,
  core: `${REPO_ROOT}packages/core/dist/index.js`,
  flexportal: `${REPO_ROOT}packages/flexportal/dist/index.js`,
  flexfactor: `${REPO_ROOT}packages/flexfactor/dist/index.js`,
  sandbox: `${REPO_ROOT}packages/sandbox/dist/index.js`,
  store: `${REPO_ROOT}packages/store/dist/index.js`,
} as const;

/** The built files in `names` that are missing. */
export function missingBuilds(names: readonly (keyof typeof BUILT)[]): string[] {
  return names.filter((name) => !existsSync(BUILT[name])).map((name) => BUILT[name]);
}
