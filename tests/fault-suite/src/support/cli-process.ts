import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import {
  connectSandbox,
  type SandboxClient,
  type SandboxConnectionSettings,
  type SandboxOptions,
} from '@orderbridge/sandbox';
import { evidence } from './evidence.js';
import { type SuiteSandboxOptions, suiteSandboxOptions } from './suite-sandbox.js';

const require = createRequire(import.meta.url);

/** The built `orderbridge` command: the suite runs exactly what users run. */
export const CLI_BIN = join(
  dirname(require.resolve('@orderbridge/cli/package.json')),
  'dist',
  'bin.js',
);

const SANDBOX_MAIN = join(dirname(fileURLToPath(import.meta.url)), 'sandbox-process-main.ts');

/** A sandbox in its own process, with the canary credentials. */
export interface SandboxProcess {
  /** Connection settings it printed. */
  settings: SandboxConnectionSettings;
  /** The provider variables that point the CLI at it (canary credentials included). */
  env: Record<string, string>;
  /** Its control endpoint (faults, data, stats). */
  control: SandboxClient;
  /** Stops it. */
  stop(): Promise<void>;
}

/** Starts a sandbox process with a scenario's options and waits for its settings line. */
export function startSandboxProcess(options: SuiteSandboxOptions): Promise<SandboxProcess> {
  return startSandboxProcessWith(suiteSandboxOptions(options));
}

/** Starts a sandbox process with any sandbox options and waits for its settings line. */
export async function startSandboxProcessWith(options: SandboxOptions): Promise<SandboxProcess> {
  const child = spawn(process.execPath, [SANDBOX_MAIN], {
    env: {
      PATH: process.env.PATH ?? '',
      FAULT_SUITE_SANDBOX_OPTIONS: JSON.stringify(options),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout });
  const settings = await new Promise<SandboxConnectionSettings>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the sandbox process exited with ${code}`)));
    lines.once('line', (line) => resolve(JSON.parse(line) as SandboxConnectionSettings));
  });
  return {
    settings,
    env: { ...settings.env },
    control: connectSandbox(settings.url),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** What a finished CLI process left behind. */
export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A running CLI process. */
export interface RunningCli {
  child: ChildProcess;
  /** Resolves when it exits (its output is recorded as evidence under the run's label). */
  result: Promise<CliResult>;
}

/** A fresh empty directory (no config file is found in it). */
export function temporaryDirectory(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'orderbridge-fault-suite-'));
}

/**
 * Starts `orderbridge <args> --debug` in `cwd` with exactly `env` (plus PATH and NO_COLOR), so no
 * real credential of the machine can reach it. Killed after `timeoutMs` if still running.
 */
export function startCli(
  args: readonly string[],
  options: { env: Record<string, string>; cwd: string; label: string; timeoutMs?: number },
): RunningCli {
  if (!existsSync(CLI_BIN)) {
    throw new Error(
      `${CLI_BIN} does not exist: build the CLI first (pnpm --filter @orderbridge/cli build)`,
    );
  }
  const child = spawn(process.execPath, [CLI_BIN, ...args, '--debug'], {
    cwd: options.cwd,
    env: { PATH: process.env.PATH ?? '', HOME: options.cwd, NO_COLOR: '1', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
  const result = new Promise<CliResult>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      evidence.add(`${options.label}/stdout`, stdout);
      evidence.add(`${options.label}/stderr`, stderr);
      resolve({ code, signal, stdout, stderr });
    });
  });
  return { child, result };
}

/** Runs the CLI to completion. */
export function runCli(
  args: readonly string[],
  options: { env: Record<string, string>; cwd: string; label: string; timeoutMs?: number },
): Promise<CliResult> {
  return startCli(args, options).result;
}
