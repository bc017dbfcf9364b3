// Copies the API reference renderer (Swagger UI's standalone bundle and its stylesheet) from the
// pinned `swagger-ui-dist` devDependency into `docs-assets/`, which the package publishes. The
// service then serves the page from its own files and installs no renderer package: the whole
// `@scalar/*` tree it used before weighed 170 MB. Run by `pnpm build`.
import { copyFile, mkdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(packageRoot, 'package.json'));
const source = dirname(require.resolve('swagger-ui-dist/package.json'));
const target = join(packageRoot, 'docs-assets');
const files = ['swagger-ui-bundle.js', 'swagger-ui.css', 'LICENSE', 'NOTICE'];

await mkdir(target, { recursive: true });
for (const file of files) await copyFile(join(source, file), join(target, file));
const { version } = JSON.parse(await readFile(join(source, 'package.json'), 'utf8')) as {
  version: string;
};
console.log(`copied swagger-ui-dist ${version} (${files.join(', ')}) to docs-assets/`);
