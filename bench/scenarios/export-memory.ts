import { spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUILT } from '../lib/paths.ts';
import { type RssSamples, sampleRss } from '../lib/rss-sampler.ts';
import { startSandboxProcess } from '../lib/sandbox-process.ts';
import { type Figure, type Goal, ratioOf, type Scenario } from '../lib/scenario-result.ts';
import { round } from '../lib/statistics.ts';

const GOAL_PEAK_MB = 150;
/** Our reading of "flat in N": 100× the orders may cost at most 25% more peak memory. */
const GOAL_FLATNESS = 1.25;
/**
 * A diagnosis run at the largest size with V8's heap capped: if the export completes, the live
 * heap never exceeds the cap, so any growth of the default run is heap sizing, not retention.
 */
const CAPPED_HEAP = '--max-old-space-size=64 --max-semi-space-size=16';

interface ExportRun {
  orders: number;
  memory: RssSamples;
  wallMs: number;
  linesWritten: number;
  exitCode: number | null;
  stderr: string;
}

/**
 * Memory: peak RSS of the CLI (`orderbridge orders export --format ndjson --output FILE`) over
 * 10k, 100k and 1M FlexPortal orders from a sandbox process without latency.
 */
export const exportMemory: Scenario = async (context) => {
  const sizes = context.quick ? [10_000, 100_000] : [10_000, 100_000, 1_000_000];
  const directory = await mkdtemp(join(tmpdir(), 'orderbridge-bench-memory-'));
  try {
    context.log('memory: CLI start-up floor (orderbridge --version)');
    const floor = await runCli(['--version'], {}, directory);
    const runs: ExportRun[] = [];
    for (const orders of sizes) {
      context.log(`memory: exporting ${orders.toLocaleString('en')} orders`);
      const output = join(directory, `export-${orders}.ndjson`);
      runs.push(await exportOrders(orders, output, directory, context.log));
      await rm(output, { force: true });
    }
    const largest = sizes.at(-1)!;
    context.log(`memory: exporting ${largest.toLocaleString('en')} orders with ${CAPPED_HEAP}`);
    const capped = await exportOrders(
      largest,
      join(directory, 'export-capped.ndjson'),
      directory,
      context.log,
      { NODE_OPTIONS: CAPPED_HEAP },
    );
    return summarizeRuns(runs, floor.memory, capped);
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
};

function summarizeRuns(runs: ExportRun[], floor: RssSamples, capped: ExportRun) {
  const figures: Figure[] = [];
  const goals: Goal[] = [];
  const smallest = runs[0]!;
  const largest = runs.at(-1)!;
  figures.push({
    label: 'CLI start-up floor: peak RSS of orderbridge --version',
    value: floor.peakMb,
    unit: 'MB',
  });
  for (const run of runs) {
    figures.push(
      {
        label: `export of ${run.orders.toLocaleString('en')} orders: peak RSS`,
        value: run.memory.peakMb,
        unit: 'MB',
        baseline: {
          label: `export of ${smallest.orders.toLocaleString('en')} orders`,
          value: smallest.memory.peakMb,
        },
        ratio: ratioOf(run.memory.peakMb, smallest.memory.peakMb),
      },
      {
        label: `export of ${run.orders.toLocaleString('en')} orders: wall time`,
        value: round(run.wallMs, 0),
        unit: 'ms',
      },
      {
        label: `export of ${run.orders.toLocaleString('en')} orders: NDJSON lines written`,
        value: run.linesWritten,
        unit: 'orders',
        baseline: { label: 'orders in the sandbox', value: run.orders },
        ratio: ratioOf(run.linesWritten, run.orders),
      },
    );
  }
  figures.push(
    {
      label: `diagnosis: export of ${capped.orders.toLocaleString('en')} orders with NODE_OPTIONS="${CAPPED_HEAP}": peak RSS`,
      value: capped.memory.peakMb,
      unit: 'MB',
      baseline: { label: 'the same export with V8 defaults', value: largest.memory.peakMb },
      ratio: ratioOf(capped.memory.peakMb, largest.memory.peakMb),
    },
    {
      label:
        'diagnosis: the capped export — NDJSON lines written (complete = nothing retained beyond the cap)',
      value: capped.linesWritten,
      unit: 'orders',
      baseline: { label: 'orders in the sandbox', value: capped.orders },
      ratio: ratioOf(capped.linesWritten, capped.orders),
    },
  );
  const flatness = ratioOf(largest.memory.peakMb, smallest.memory.peakMb);
  const failures = runs.filter((run) => run.exitCode !== 0 || run.linesWritten !== run.orders);
  goals.push(
    {
      text: `peak RSS ≤ ${GOAL_PEAK_MB} MB at ${largest.orders.toLocaleString('en')} orders`,
      met: largest.memory.peakMb <= GOAL_PEAK_MB && largest.exitCode === 0,
      detail:
        largest.memory.peakMb <= GOAL_PEAK_MB
          ? `${largest.memory.peakMb} MB`
          : `${largest.memory.peakMb} MB: ${round(largest.memory.peakMb - GOAL_PEAK_MB, 1)} MB over`,
    },
    {
      text: `flat in N: peak at ${largest.orders.toLocaleString('en')} ≤ ${GOAL_FLATNESS}× the peak at ${smallest.orders.toLocaleString('en')} (our reading of "flat")`,
      met: flatness <= GOAL_FLATNESS,
      detail: `${largest.memory.peakMb} MB vs ${smallest.memory.peakMb} MB: ${flatness}×`,
    },
    {
      text: 'every export complete (exit 0, one NDJSON line per order)',
      met: failures.length === 0,
      detail:
        failures.length === 0
          ? runs.map((run) => `${run.linesWritten.toLocaleString('en')} lines`).join(', ')
          : failures
              .map(
                (run) =>
                  `${run.orders}: exit ${run.exitCode}, ${run.linesWritten} lines, ${run.stderr.trim().slice(0, 300)}`,
              )
              .join('; '),
    },
  );
  return {
    name: 'memory',
    title: 'Memory: peak RSS of CLI exports',
    parameters: {
      sizes: runs.map((run) => run.orders).join(', '),
      provider: 'flexportal',
      format: 'ndjson',
      sampleIntervalMs: 50,
    },
    figures,
    goals,
    notes: [
      'The CLI (node apps/cli/dist/bin.js orders export --provider flexportal --format ndjson --output FILE --no-progress) runs as its own process against a sandbox process without latency, configured through FLEXPORTAL_* variables only, in an empty working directory (no config file).',
      "Peak RSS is the kernel's VmHWM of the CLI process, read from /proc/<pid>/status every 50 ms (VmHWM is itself a high-water mark, so a peak between two samples is not missed).",
      'Each size is a fresh sandbox process holding exactly that many orders, so every export is a complete listing.',
      `Diagnosis run (no goal): the largest export again with NODE_OPTIONS="${CAPPED_HEAP}". If it completes, the export's live heap stays under 64 MB of old space whatever N is, and the default run's larger peak is V8 sizing its heap (mostly the young generation), not orders being retained.`,
    ],
  };
}

/** Exports every order of a fresh sandbox process holding exactly `orders` FlexPortal orders. */
async function exportOrders(
  orders: number,
  output: string,
  directory: string,
  log: (line: string) => void,
  extraEnv: Record<string, string> = {},
): Promise<ExportRun> {
  const sandbox = await startSandboxProcess({ flexportalOrders: orders, flexfactorOrders: 0 });
  try {
    const { flexportal } = sandbox.settings;
    const run = await runCli(
      [
        'orders',
        'export',
        '--provider',
        'flexportal',
        '--format',
        'ndjson',
        '--output',
        output,
        '--no-progress',
      ],
      {
        FLEXPORTAL_API_KEY: flexportal.apiKey,
        FLEXPORTAL_TENANT_ID: flexportal.tenantId,
        FLEXPORTAL_BASE_URL: flexportal.baseUrl,
        ...extraEnv,
      },
      directory,
    );
    const linesWritten = run.exitCode === 0 ? await countLines(output) : 0;
    log(
      `memory: ${orders.toLocaleString('en')} orders: peak ${run.memory.peakMb} MB in ${round(run.wallMs / 1000, 1)} s`,
    );
    return { orders, ...run, linesWritten };
  } finally {
    await sandbox.stop();
  }
}

async function runCli(
  args: string[],
  env: Record<string, string>,
  cwd: string,
): Promise<Omit<ExportRun, 'orders' | 'linesWritten'>> {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) => !/^(FLEXPORTAL_|FLEXFACTOR_|ORDERBRIDGE_)/.test(name),
    ),
  );
  const started = performance.now();
  const child = spawn(process.execPath, [BUILT.cliBin, ...args], {
    cwd,
    env: { ...inherited, ...env, NO_COLOR: '1' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const sampler = sampleRss(child.pid!);
  const exitCode = await new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  const memory = sampler.stop();
  return { memory, wallMs: performance.now() - started, exitCode, stderr };
}

async function countLines(path: string): Promise<number> {
  let lines = 0;
  for await (const chunk of createReadStream(path)) {
    const buffer = chunk as Buffer;
    for (let index = buffer.indexOf(10); index !== -1; index = buffer.indexOf(10, index + 1)) {
      lines += 1;
    }
  }
  return lines;
}
