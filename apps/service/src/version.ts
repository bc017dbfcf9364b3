import { readPackageVersion } from '@orderbridge/core';

/** This package's version, from its package.json. */
export const SERVICE_VERSION: string = readPackageVersion(import.meta.url);
