import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  finished,
  killStrayProcesses,
  spawnCli,
  temporaryDirectory,
  waitFor,
} from './support/cli-process.js';
import { type SandboxProcess, startSandboxProcess } from './support/sandbox-process.js';

// A streaming command runs in a node started with the heap flags: the launcher's own process,
// replaced by execve, or a child where process.execve is missing (this preload removes it). Both
// must behave like a plain process towards the shell: Ctrl-C saves the checkpoint and exits 130,
// and a SIGKILL of the process the shell started ends the export.
const WITHOUT_EXECVE = fileURLToPath(
  new URL('./support/without-execve-preload.ts', import.meta.url),
);
const PATHS = [
  ['execve (one process)', []],
  ['a child process (no process.execve)', ['--import', WITHOUT_EXECVE]],
] as const;

let sandbox: SandboxProcess;

beforeAll(async () => {
  sandbox = await startSandboxProcess(['--orders', '3000', '--seed', '5']);
  // Latency on every request, so that an export of 100-order pages can be stopped mid-way.
  await sandbox.control.faults.set('flexportal', { latencyMs: 25 });
  await sandbox.control.faults.set('flexfactor', { latencyMs: 25 });
});
afterAll(async () => {
  killStrayProcesses();
  await sandbox?.stop();
});

/** Starts a checkpointed export of 100-order pages; resolves once 300 orders are written. */
async function startedExport(nodeFlags: readonly string[]) {
  const cwd = await temporaryDirectory();
  const checkpoint = join(cwd, 'cp.json');
  const child = await spawnCli(
    [
      'orders',
      'export',
      '--page-size',
      '100',
      '--output',
      'orders.ndjson',
      '--checkpoint',
      'cp.json',
      '--checkpoint-every',
      '100',
    ],
    { env: sandbox.env, cwd, nodeFlags },
  );
  const done = finished(child);
  const written = async () => {
    const text = await readFile(checkpoint, 'utf8').catch(() => '{}');
    return ((JSON.parse(text) as { ordersWritten?: number }).ordersWritten ?? 0) >= 300;
  };
  await waitFor(written, 30_000);
  return { child, done };
}

/** The pids of a process's direct children (Linux). */
async function childrenOf(pid: number): Promise<number[]> {
  const text = await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8').catch(() => '');
  return text.split(/\s+/).filter(Boolean).map(Number);
}

describe.skipIf(process.platform !== 'linux')('the streaming launcher', () => {
  it.each(PATHS)('via %s: Ctrl-C (SIGINT) saves the checkpoint and exits 130', async (_, flags) => {
    const { child, done } = await startedExport(flags);
    child.kill('SIGINT');
    const interrupted = await done;
    expect(interrupted.code).toBe(130);
    expect(interrupted.stderr).toMatch(/orderbridge: interrupted: \d+ orders written/);
    expect(interrupted.stderr).not.toMatch(/Warning/);
  });

  it.each(PATHS)('via %s: a SIGKILL of the started process ends the export', async (_, flags) => {
    const { child, done } = await startedExport(flags);
    const exporters = [child.pid!, ...(await childrenOf(child.pid!))];
    expect(exporters).toHaveLength(flags.length === 0 ? 1 : 2);
    child.kill('SIGKILL');
    expect((await done).signal).toBe('SIGKILL');
    // The child of the fallback path notices that its launcher is gone and ends too.
    await waitFor(() => exporters.every((pid) => !existsSync(`/proc/${pid}`)), 10_000);
  });
});
