import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** Version of @orderbridge/cli, from its package.json (`orderbridge --version`). */
export const CLI_VERSION: string = (require('../package.json') as { version: string }).version;
