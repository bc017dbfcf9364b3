import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, existsSync, openSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The built `orderbridge` binary; the end-to-end tests run exactly what users run. */
export const CLI_BIN = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'bin.js');

if (!existsSync(CLI_BIN)) {
  throw new Error(`${CLI_BIN} does not exist: build first (pnpm --filter @orderbridge/cli build)`);
}

/** What a finished CLI process left behind. */
export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Options of a CLI run. */
export interface CliRunOptions {
  /**
   * The child's entire environment: the tests never inherit real credentials. Add provider
   * variables explicitly (see `SandboxProcess.env`).
   */
  env?: Record<string, string>;
  /** Working directory (default: a fresh empty temporary directory, so no config file is found). */
  cwd?: string;
  /** Node flags before the script (e.g. heap limits). */
  nodeFlags?: readonly string[];
  /** A file stdout is opened on (e.g. `/dev/full`) instead of a pipe; `stdout` is then empty. */
  stdoutPath?: string;
}

/** A fresh empty directory. */
export function temporaryDirectory(prefix = 'orderbridge-cli-e2e-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

const running = new Set<ChildProcess>();

/** Starts `node dist/bin.js ...args` with an explicit environment. */
export async function spawnCli(
  args: readonly string[],
  options: CliRunOptions = {},
): Promise<ChildProcess> {
  // A directory made here is the child's alone: removed once it exits, so runs leave no folders.
  const ownDirectory = options.cwd === undefined ? await temporaryDirectory() : undefined;
  const cwd = options.cwd ?? (ownDirectory as string);
  const stdout = options.stdoutPath === undefined ? 'pipe' : openSync(options.stdoutPath, 'w');
  const child = spawn(process.execPath, [...(options.nodeFlags ?? []), CLI_BIN, ...args], {
    cwd,
    env: { ...(options.env ?? {}) },
    stdio: ['ignore', stdout, 'pipe'],
  });
  if (typeof stdout === 'number') closeSync(stdout);
  running.add(child);
  child.once('exit', () => running.delete(child));
  if (ownDirectory !== undefined) {
    child.once('close', () => void rm(ownDirectory, { recursive: true, force: true }));
  }
  return child;
}

/** Kills CLI processes a failed test left running (call from `afterAll`). */
export function killStrayProcesses(): void {
  for (const child of running) child.kill('SIGKILL');
  running.clear();
}

/** Collects a child's output and waits for it to exit. */
export function finished(child: ChildProcess): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** Runs the CLI to completion. */
export async function runCli(
  args: readonly string[],
  options: CliRunOptions = {},
): Promise<CliResult> {
  return finished(await spawnCli(args, options));
}

/** Parses NDJSON output into objects. */
export function parseNdjson<T = Record<string, unknown>>(text: string): T[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as T);
}

/** Resolves once `predicate` holds, polling every `intervalMs`. */
export async function waitFor(
  predicate: () => boolean | Promise<boolean>,
  timeoutMs: number,
  intervalMs = 20,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
