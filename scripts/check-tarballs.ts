// Packs every published workspace package (as `pnpm publish` would) and checks what a user gets:
// a LICENSE, no TypeScript build info, and source maps whose sources are in the tarball (so an
// editor's go-to-definition lands in TypeScript, not in compiled JavaScript). Run by .ci/run with
// the package checks (publint and are-the-types-wrong check the manifests and the types).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix } from 'node:path';

const root = join(dirname(new URL(import.meta.url).pathname), '..');
const directories = ['packages', 'apps'].flatMap((group) =>
  readdirSync(join(root, group)).map((name) => join(root, group, name)),
);
const problems: string[] = [];
const destination = mkdtempSync(join(tmpdir(), 'orderbridge-tarballs-'));
try {
  for (const directory of directories) {
    const manifest = JSON.parse(readFileSync(join(directory, 'package.json'), 'utf8')) as {
      name: string;
      private?: boolean;
      files?: string[];
    };
    // A package that publishes nothing yet (no `files`) is someone's work in progress.
    if (manifest.private || !manifest.files) continue;
    const output = execFileSync('pnpm', ['pack', '--pack-destination', destination], {
      cwd: directory,
      encoding: 'utf8',
    });
    const tarball = output.trim().split('\n').at(-1)!.trim();
    const entries = execFileSync('tar', ['tzf', tarball], { encoding: 'utf8' })
      .split('\n')
      .filter((entry) => entry !== '')
      .map((entry) => entry.replace(/^package\//, ''));
    const present = new Set(entries);
    if (!present.has('LICENSE')) problems.push(`${manifest.name}: no LICENSE`);
    for (const entry of entries) {
      if (entry.endsWith('.tsbuildinfo')) problems.push(`${manifest.name}: ships ${entry}`);
    }
    for (const map of entries.filter((entry) => entry.endsWith('.map'))) {
      const text = execFileSync('tar', ['xzf', tarball, '-O', `package/${map}`], {
        encoding: 'utf8',
      });
      const { sources, sourcesContent } = JSON.parse(text) as {
        sources: string[];
        sourcesContent?: Array<string | null>;
      };
      sources.forEach((source, index) => {
        const resolved = posix.normalize(posix.join(posix.dirname(map), source));
        if (!present.has(resolved) && !sourcesContent?.[index]) {
          problems.push(`${manifest.name}: ${map} points at ${resolved}, which is not shipped`);
        }
      });
    }
    console.log(`${manifest.name}: ${entries.length} files checked`);
  }
} finally {
  rmSync(destination, { recursive: true, force: true });
}
if (problems.length > 0) {
  for (const problem of problems.slice(0, 50)) console.error(`check-tarballs: ${problem}`);
  process.exit(1);
}
