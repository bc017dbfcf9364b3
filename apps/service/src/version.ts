import { createRequire } from 'node:module';

/**
 * This package's version, from its package.json. Read here rather than through core's
 * `readPackageVersion`: the bin shows it for `--version` without loading core (zod, ky, undici).
 */
export const SERVICE_VERSION: string = (
  createRequire(import.meta.url)('../package.json') as { version: string }
).version;
