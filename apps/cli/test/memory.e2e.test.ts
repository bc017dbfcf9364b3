import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  finished,
  killStrayProcesses,
  spawnCli,
  temporaryDirectory,
} from './support/cli-process.js';
import { type SandboxProcess, startSandboxProcess } from './support/sandbox-process.js';

// Node flags for the measured CLI runs. V8 (Node 24) grows its young generation up to 128 MB when
// the allocation *rate* is high, however few objects survive; pinning it makes RSS reflect what the
// export keeps. The old-generation cap makes retention fatal: 100,000 orders held in memory
// (hundreds of MB) could not fit in 96 MB, so an export that finishes under it streamed them.
// Given these flags, the CLI leaves the heap to them (see src/heap/streaming-heap.ts); its own
// settings are checked in footprint.e2e.test.ts.
const NODE_FLAGS = ['--max-semi-space-size=8', '--max-old-space-size=96'];
const RSS_BOUND_BYTES = 200 * 1024 * 1024;

let small: SandboxProcess;
let large: SandboxProcess;

beforeAll(async () => {
  [small, large] = await Promise.all([
    startSandboxProcess(['--orders', '5000', '--seed', '11']),
    startSandboxProcess(['--orders', '50000', '--seed', '11']),
  ]);
});
afterAll(async () => {
  killStrayProcesses();
  await Promise.all([small?.stop(), large?.stop()]);
});

/** Exports to a file while sampling the child's resident set size from /proc every ~100 ms. */
async function measuredExport(
  sandbox: SandboxProcess,
): Promise<{ peakRss: number; output: string; code: number | null }> {
  const cwd = await temporaryDirectory();
  const child = await spawnCli(['--quiet', 'orders', 'export', '--output', 'orders.ndjson'], {
    env: sandbox.env,
    cwd,
    nodeFlags: NODE_FLAGS,
  });
  const done = finished(child);
  let peakRss = 0;
  const sample = async () => {
    const status = await readFile(`/proc/${child.pid}/status`, 'utf8').catch(() => '');
    const kilobytes = Number(/^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1] ?? 0);
    peakRss = Math.max(peakRss, kilobytes * 1024);
  };
  const timer = setInterval(() => void sample(), 100);
  const result = await done;
  clearInterval(timer);
  expect(result.stderr).toBe('');
  return { peakRss, output: join(cwd, 'orders.ndjson'), code: result.code };
}

async function countDistinctKeys(path: string): Promise<{ lines: number; distinct: number }> {
  const keys = new Set<string>();
  let lines = 0;
  for await (const line of createInterface({ input: createReadStream(path) })) {
    if (line === '') continue;
    lines += 1;
    keys.add(/"key":"([^"]+)"/.exec(line)![1]!);
  }
  return { lines, distinct: keys.size };
}

describe('orders export memory', () => {
  it('stays flat: 100,000 orders peak at most 1.5x the RSS of 10,000, under 200 MB', async () => {
    const tenThousand = await measuredExport(small);
    expect(tenThousand.code).toBe(0);
    expect(await countDistinctKeys(tenThousand.output)).toEqual({
      lines: 10_000,
      distinct: 10_000,
    });

    const hundredThousand = await measuredExport(large);
    expect(hundredThousand.code).toBe(0);
    expect(await countDistinctKeys(hundredThousand.output)).toEqual({
      lines: 100_000,
      distinct: 100_000,
    });

    const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
    console.info(
      `peak RSS: 10,000 orders ${megabytes(tenThousand.peakRss)}, 100,000 orders ${megabytes(hundredThousand.peakRss)}`,
    );
    expect(tenThousand.peakRss).toBeGreaterThan(0);
    expect(hundredThousand.peakRss).toBeLessThanOrEqual(tenThousand.peakRss * 1.5);
    expect(hundredThousand.peakRss).toBeLessThan(RSS_BOUND_BYTES);
  }, 120_000);
});
