import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STREAMING_MALLOC_ENVIRONMENT, STREAMING_NODE_FLAGS } from '../src/heap/streaming-heap.js';
import {
  finished,
  killStrayProcesses,
  spawnCli,
  temporaryDirectory,
} from './support/cli-process.js';
import { type SandboxProcess, startSandboxProcess } from './support/sandbox-process.js';

const PRELOAD = fileURLToPath(new URL('./support/footprint-preload.ts', import.meta.url));
const WITHOUT_EXECVE = fileURLToPath(
  new URL('./support/without-execve-preload.ts', import.meta.url),
);

interface Footprint {
  /** URLs of every module the process loaded. */
  modules: string[];
  /** The largest size of V8's new space (both semi-spaces) seen during the run. */
  maxNewSpaceBytes: number;
  /** The process that ran the command. */
  pid: number;
  /** The node flags of the process that ran the command. */
  execArgv: string[];
  /** MALLOC_ARENA_MAX in the environment of the process that ran the command. */
  mallocArenaMax: string | null;
}

/**
 * Runs the CLI with the footprint preload (plus `nodeFlags`) and returns its exit code, the pid
 * this test started and the report.
 */
async function runWithFootprint(
  args: readonly string[],
  options: { env?: Record<string, string>; nodeFlags?: readonly string[] } = {},
) {
  const cwd = await temporaryDirectory();
  const report = join(cwd, 'footprint.json');
  const child = await spawnCli(args, {
    cwd,
    env: { ...options.env, FOOTPRINT_REPORT: report },
    nodeFlags: [...(options.nodeFlags ?? []), '--import', PRELOAD],
  });
  const result = await finished(child);
  const footprint = JSON.parse(await readFile(report, 'utf8')) as Footprint;
  return { ...result, startedPid: child.pid, footprint };
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
      expect([...packagesOf(footprint.modules)].sort()).toEqual([
        'commander',
        'packages/config',
        'picocolors',
      ]);
      // Of @orderbridge/config, only the relaunch helpers (node:fs and nothing else), never its index.
      const config = footprint.modules.filter((url) => url.includes('/packages/config/'));
      expect(config.map((url) => url.slice(url.lastIndexOf('/') + 1))).toEqual([
        'node-relaunch.js',
      ]);
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
  // The young generation of a streaming command: two semi-spaces of the size its flag sets, and
  // room for V8's pinned (quarantined) pages, which a scavenge under load adds for a while (a
  // 2 MB-semi-space export was seen at 9.25 MB on a busy CI machine). Four times the two
  // semi-spaces, as when this bound was 8 MB for 1 MB semi-spaces; V8's own sizing reaches 32–128 MB.
  const semiSpaceMegabytes = Number(
    STREAMING_NODE_FLAGS.find((flag) => flag.startsWith('--max-semi-space-size='))!.split('=')[1],
  );
  const smallYoungGenerationMegabytes = 4 * 2 * semiSpaceMegabytes;

  // Without the CLI's settings V8 grows the young generation to 2 × 16 MB (with the flag below) or
  // 2 × 64 MB (its default on a large machine) during this export. The launcher starts the export
  // with `--max-semi-space-size=2` on node's command line: a limit fixed at start-up, so the new
  // space cannot pass it however busy the machine is (a flag set at run time could only apply
  // after the young generation had already grown).
  it('replaces its own process by node with the heap flags (execve): one process, whose young generation stays small', async () => {
    const cwd = await temporaryDirectory();
    const { code, stderr, startedPid, footprint } = await runWithFootprint(
      ['--quiet', 'orders', 'export', '--output', join(cwd, 'orders.ndjson')],
      { env: sandbox.env },
    );
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(footprint.pid).toBe(startedPid);
    expect(footprint.execArgv).toEqual(expect.arrayContaining([...STREAMING_NODE_FLAGS]));
    expect(footprint.mallocArenaMax).toBe(STREAMING_MALLOC_ENVIRONMENT.MALLOC_ARENA_MAX);
    expect(megabytes(footprint.maxNewSpaceBytes)).toBeLessThanOrEqual(
      smallYoungGenerationMegabytes,
    );
    expect(await readFile(join(cwd, 'orders.ndjson'), 'utf8')).toMatch(/^\{/);
  });

  it('without process.execve (older Node), runs the export in a child started with the heap flags', async () => {
    const cwd = await temporaryDirectory();
    const { code, stderr, startedPid, footprint } = await runWithFootprint(
      ['--quiet', 'orders', 'export', '--output', join(cwd, 'orders.ndjson')],
      { env: sandbox.env, nodeFlags: ['--import', WITHOUT_EXECVE] },
    );
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(footprint.pid).not.toBe(startedPid);
    expect(footprint.execArgv).toEqual(expect.arrayContaining([...STREAMING_NODE_FLAGS]));
    expect(footprint.mallocArenaMax).toBe(STREAMING_MALLOC_ENVIRONMENT.MALLOC_ARENA_MAX);
    expect(megabytes(footprint.maxNewSpaceBytes)).toBeLessThanOrEqual(
      smallYoungGenerationMegabytes,
    );
    expect(await readFile(join(cwd, 'orders.ndjson'), 'utf8')).toMatch(/^\{/);
  });

  it('leaves the heap to the user who sizes it: the young generation then grows as V8 decides', async () => {
    const cwd = await temporaryDirectory();
    const { code, startedPid, footprint } = await runWithFootprint(
      ['--quiet', 'orders', 'export', '--output', join(cwd, 'orders.ndjson')],
      { env: { ...sandbox.env, NODE_OPTIONS: '--max-semi-space-size=16' } },
    );
    expect(code).toBe(0);
    expect(footprint.pid).toBe(startedPid);
    expect(footprint.execArgv).not.toContain(STREAMING_NODE_FLAGS[0]);
    expect(footprint.mallocArenaMax).toBeNull();
    expect(megabytes(footprint.maxNewSpaceBytes)).toBeGreaterThan(8);
  });
});
