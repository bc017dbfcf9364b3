import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** Version of @orderbridge/core, read from its package.json (used in the User-Agent). */
export const CORE_VERSION: string = (require('../package.json') as { version: string }).version;

/**
 * Reads the version of a package from a module inside it (`import.meta.url` of a file one folder
 * below the package root, e.g. `src/x.ts` or `dist/x.js`). Providers use it for their User-Agent.
 */
export function readPackageVersion(moduleUrl: string): string {
  return (createRequire(moduleUrl)('../package.json') as { version: string }).version;
}
