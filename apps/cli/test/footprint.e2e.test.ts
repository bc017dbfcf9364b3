import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killStrayProcesses, runCli, temporaryDirectory } from './support/cli-process.js';
import { type SandboxProcess, startSandboxProcess } from './support/sandbox-process.js';

const PRELOAD = fileURLToPath(new URL('./support/footprint-preload.ts', import.meta.url));

interface Footprint {
  /** URLs of every module the process loaded. */
  modules: string[];
  /** The largest size of V8's new space (both semi-spaces) seen during the run. */
  maxNewSpaceBytes: number;
}

/** Runs the CLI with the footprint preload (plus `nodeFlags`) and returns its exit code and report. */
async function runWithFootprint(
  args: readonly string[],
  options: { env?: Record<string, string>; nodeFlags?: readonly string[] } = {},
) {
  const cwd = await temporaryDirectory();
  const report = join(cwd, 'footprint.json');
  const result = await runCli(args, {
    cwd,
    env: { ...options.env, FOOTPRINT_REPORT: report },
    nodeFlags: [...(options.nodeFlags ?? []), '--import', PRELOAD],
  });
  const footprint = JSON.parse(await readFile(report, 'utf8')) as Footprint;
  return { ...result, footprint };
}

/** The packages (workspace or npm) among module URLs. */
function packagesOf(modules: readonly string[]): Set<string> {
  const names = new Set<string>();
  for (const url of modules) {
    const match =
      /\/node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)\//.exec(url) ??
      /\/(packages\/[^/]+)\//.exec(url);
    if (match) names.add(match[1]!);
  }
  return names;
}

let sandbox: SandboxProcess;

beforeAll(async () => {
  sandbox = await startSandboxProcess(['--orders', '5000', '--seed', '3']);
});
afterAll(async () => {
  killStrayProcesses();
  await sandbox?.stop();
});

describe('start-up footprint', () => {
  it.each([['--version'], ['--help'], ['orders', 'export', '--help']])(
    '%s loads commander and the CLI only: no core, zod, provider, sandbox or output library',
    async (...args) => {
      const { code, footprint } = await runWithFootprint(args);
      expect(code).toBe(0);
      expect([...packagesOf(footprint.modules)].sort()).toEqual(['commander', 'picocolors']);
    },
  );

  it('an NDJSON export from configured providers loads no sandbox, table, CSV or progress library', async () => {
    const cwd = await temporaryDirectory();
    const { code, footprint } = await runWithFootprint(
      ['--quiet', 'orders', 'export', '--output', join(cwd, 'orders.ndjson')],
      { env: sandbox.env },
    );
    expect(code).toBe(0);
    const loaded = packagesOf(footprint.modules);
    expect(loaded).toContain('zod');
    for (const unused of ['packages/sandbox', 'cli-table3', 'csv-stringify', 'cli-progress']) {
      expect(loaded).not.toContain(unused);
    }
  });
});

describe('heap settings', () => {
  const megabytes = (bytes: number) => bytes / 1024 / 1024;

  // Without the CLI's settings V8 grows the young generation to 2 × 16 MB (with the flag below) or
  // 2 × 64 MB (its default on a large machine) during this export; with them it stays at 2 × 1 MB,
  // plus what the preload itself makes it grow before the CLI starts.
  it('keeps the young generation small during an export (V8 honours the flags set at run time)', async () => {
    const cwd = await temporaryDirectory();
    const { code, footprint } = await runWithFootprint(
      ['--quiet', 'orders', 'export', '--output', join(cwd, 'orders.ndjson')],
      { env: sandbox.env },
    );
    expect(code).toBe(0);
    expect(megabytes(footprint.maxNewSpaceBytes)).toBeLessThanOrEqual(8);
  });

  it('leaves the heap to the user who sizes it: the young generation then grows as V8 decides', async () => {
    const cwd = await temporaryDirectory();
    const { code, footprint } = await runWithFootprint(
      ['--quiet', 'orders', 'export', '--output', join(cwd, 'orders.ndjson')],
      { env: { ...sandbox.env, NODE_OPTIONS: '--max-semi-space-size=16' } },
    );
    expect(code).toBe(0);
    expect(megabytes(footprint.maxNewSpaceBytes)).toBeGreaterThan(8);
  });
});
