// `pnpm bench`: runs the benchmark scenarios and writes bench/results/<scenario>.json, then
// regenerates docs/benchmarks.md. Nothing is built here: run `pnpm build` first.
//
//   node bench/run.ts                      every scenario, full sizes
//   node bench/run.ts --quick              smaller sizes, results under bench/results/quick/
//   node bench/run.ts --only normalisation,cursor-export
//   node bench/run.ts --list
//
// Exit code: 0 when every scenario ran (whether or not it met its goals), 1 when one crashed,
// 2 for bad usage or a missing build.
import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { readMachineInfo } from './lib/machine-info.ts';
import { type BUILT, missingBuilds } from './lib/paths.ts';
import type { BenchRun, Scenario, ScenarioResult } from './lib/scenario-result.ts';
import { waitForQuietMachine } from './lib/settle.ts';
import { round } from './lib/statistics.ts';

interface ScenarioEntry {
  /** Loads the scenario (lazily: a scenario's imports need its builds). */
  load: () => Promise<Scenario>;
  /** Built files the scenario needs. */
  needs: (keyof typeof BUILT)[];
}

const SCENARIOS: Record<string, ScenarioEntry> = {
  normalisation: {
    load: async () => (await import('./scenarios/normalisation.ts')).normalisation,
    needs: ['core', 'flexportal', 'flexfactor', 'sandbox'],
  },
  'cursor-export': {
    load: async () => (await import('./scenarios/cursor-export.ts')).cursorExport,
    needs: ['core', 'flexportal', 'sandbox', 'sandboxBin'],
  },
  'page-number-export': {
    load: async () => (await import('./scenarios/page-number-export.ts')).pageNumberExport,
    needs: ['core', 'flexfactor', 'sandbox', 'sandboxBin'],
  },
  'merged-export': {
    load: async () => (await import('./scenarios/merged-export.ts')).mergedExport,
    needs: ['core', 'flexportal', 'flexfactor', 'sandbox', 'sandboxBin'],
  },
  service: {
    load: async () => (await import('./scenarios/service-latency.ts')).serviceLatency,
    needs: ['sandbox', 'sandboxBin', 'serviceBin'],
  },
  memory: {
    load: async () => (await import('./scenarios/export-memory.ts')).exportMemory,
    needs: ['sandbox', 'sandboxBin', 'cliBin'],
  },
  'store-sync': {
    load: async () => (await import('./scenarios/store-sync.ts')).storeSync,
    needs: ['core', 'flexfactor', 'sandbox', 'sandboxBin', 'cliBin', 'store'],
  },
  reports: {
    load: async () => (await import('./scenarios/reports.ts')).reports,
    needs: ['core', 'store'],
  },
  'rate-limits': {
    load: async () => (await import('./scenarios/rate-limits.ts')).rateLimits,
    needs: ['sandbox', 'sandboxBin', 'serviceBin'],
  },
  workers: {
    load: async () => (await import('./scenarios/workers.ts')).workers,
    needs: ['sandbox', 'sandboxBin', 'cliBin', 'store'],
  },
  'store-queries': {
    load: async () => (await import('./scenarios/store-queries.ts')).storeQueries,
    needs: ['sandbox', 'sandboxBin', 'serviceBin', 'store'],
  },
};

const RESULTS_DIR = new URL('./results/', import.meta.url);

function usage(message: string): never {
  process.stderr.write(
    `bench: ${message}\nUsage: node bench/run.ts [--quick] [--only <name>[,<name>…]] [--list]\nScenarios: ${Object.keys(SCENARIOS).join(', ')}\n`,
  );
  process.exit(2);
}

async function main(): Promise<number> {
  let values: { quick?: boolean; only?: string; list?: boolean; 'no-report'?: boolean };
  try {
    ({ values } = parseArgs({
      options: {
        quick: { type: 'boolean' },
        only: { type: 'string' },
        list: { type: 'boolean' },
        'no-report': { type: 'boolean' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    usage(error instanceof Error ? error.message : String(error));
  }
  if (values.list) {
    process.stdout.write(`${Object.keys(SCENARIOS).join('\n')}\n`);
    return 0;
  }
  const names = values.only
    ? values.only
        .split(',')
        .map((name) => name.trim())
        .filter(Boolean)
    : Object.keys(SCENARIOS);
  const unknown = names.filter((name) => !(name in SCENARIOS));
  if (unknown.length > 0)
    usage(`unknown scenario ${unknown.map((name) => `"${name}"`).join(', ')}`);
  const missing = [...new Set(names.flatMap((name) => missingBuilds(SCENARIOS[name]!.needs)))];
  if (missing.length > 0) {
    process.stderr.write(
      `bench: these builds are missing:\n${missing.map((file) => `  ${file}`).join('\n')}\nRun "pnpm build" first: the benchmarks measure the built packages and never build anything themselves.\n`,
    );
    return 2;
  }

  const quick = values.quick ?? false;
  const outputDir = quick ? new URL('./quick/', RESULTS_DIR) : RESULTS_DIR;
  await mkdir(outputDir, { recursive: true });
  const log = (line: string) => process.stderr.write(`  ${line}\n`);
  const commit = checkedOutCommit();
  const run: BenchRun = {
    startedAt: new Date().toISOString(),
    scenarios: names,
    ...(commit ? { commit } : {}),
  };
  const results: ScenarioResult[] = [];
  const crashed: string[] = [];
  for (const name of names) {
    process.stderr.write(`bench: ${name}${quick ? ' (quick)' : ''}\n`);
    const settle = await waitForQuietMachine();
    if (settle.waitedMs > 0)
      log(
        `waited ${round(settle.waitedMs / 1000, 0)} s for the machine to go quiet (${settle.settled ? 'it did' : 'it did not'}: ${round(settle.busyCores ?? 0, 2)} cores in use)`,
      );
    const environment = { ...readMachineInfo(), settle };
    const startedAt = new Date();
    try {
      const scenario = await SCENARIOS[name]!.load();
      const measured = await scenario({ quick, log });
      const result: ScenarioResult = {
        ...measured,
        quick,
        startedAt: startedAt.toISOString(),
        durationSeconds: round((Date.now() - startedAt.getTime()) / 1000, 1),
        environment,
        run,
      };
      await writeFile(new URL(`${name}.json`, outputDir), `${JSON.stringify(result, null, 2)}\n`);
      results.push(result);
      printResult(result);
    } catch (error) {
      crashed.push(name);
      process.stderr.write(
        `bench: ${name} crashed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
    }
  }

  printGoals(results);
  if (!quick && !values['no-report']) {
    const { writeReport } = await import('./report.ts');
    const written = await writeReport();
    process.stderr.write(`bench: wrote ${written}\n`);
  }
  if (crashed.length > 0) {
    process.stderr.write(`bench: crashed: ${crashed.join(', ')}\n`);
    return 1;
  }
  return 0;
}

/**
 * The commit the benchmarked builds were made from (as far as the checkout says: the builds in
 * dist/ are not checked against it), and whether tracked files differ from it; undefined
 * outside a git checkout.
 */
function checkedOutCommit(): BenchRun['commit'] {
  const git = (...args: string[]) =>
    execFileSync('git', args, {
      cwd: new URL('..', import.meta.url),
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  try {
    return {
      sha: git('rev-parse', 'HEAD'),
      modified: git('status', '--porcelain', '--untracked-files=no') !== '',
    };
  } catch {
    return undefined;
  }
}

function printResult(result: ScenarioResult): void {
  const rows = result.figures.map((figure) => [
    figure.label,
    `${formatNumber(figure.value)} ${figure.unit}`,
    figure.baseline ? `${formatNumber(figure.baseline.value)} ${figure.unit}` : '',
    figure.ratio === undefined ? '' : `${figure.ratio}×`,
  ]);
  printTable(['figure', 'value', 'baseline', 'ratio'], rows);
  for (const note of result.notes) process.stdout.write(`  note: ${note}\n`);
  process.stdout.write('\n');
}

function printGoals(results: readonly ScenarioResult[]): void {
  const rows = results.flatMap((result) =>
    result.goals.map((goal) => [result.name, goal.met ? 'met' : 'MISSED', goal.text, goal.detail]),
  );
  if (rows.length === 0) return;
  process.stdout.write('Goals\n');
  printTable(['scenario', 'verdict', 'goal', 'detail'], rows);
  const missed = rows.filter((row) => row[1] === 'MISSED').length;
  process.stdout.write(
    missed === 0
      ? `every goal met (${rows.length})\n`
      : `${missed} of ${rows.length} goals MISSED (see above and docs/benchmarks.md)\n`,
  );
}

function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((title, column) =>
    Math.min(70, Math.max(title.length, ...rows.map((row) => row[column]!.length))),
  );
  const line = (cells: string[]) =>
    `  ${cells.map((cell, column) => cell.padEnd(widths[column]!)).join('  ')}\n`;
  process.stdout.write(line(header));
  process.stdout.write(line(widths.map((width) => '-'.repeat(width))));
  for (const row of rows) process.stdout.write(line(row));
}

function formatNumber(value: number): string {
  return Number.isInteger(value) ? value.toLocaleString('en') : String(value);
}

process.exitCode = await main();
