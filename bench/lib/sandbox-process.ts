import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import {
  connectSandbox,
  type SandboxClient,
  type SandboxConnectionSettings,
} from '@orderbridge/sandbox';
import { BUILT } from './paths.ts';

/** A sandbox running in its own process, so its CPU never shares the client's event loop. */
export interface SandboxProcess {
  /** Connection settings the bin printed. */
  settings: SandboxConnectionSettings;
  /** Control client (faults, stats). */
  control: SandboxClient;
  /** The child's pid. */
  pid: number;
  /** Stops the child (SIGTERM) and waits for it to exit. */
  stop(): Promise<void>;
}

/** Options of {@link startSandboxProcess}. */
export interface SandboxProcessOptions {
  /** FlexPortal orders of the default tenant. */
  flexportalOrders: number;
  /** FlexFactor orders. */
  flexfactorOrders: number;
  /** Latency added to every provider request, in ms (0: none). */
  latencyMs?: number;
  /** Gzip the answers for clients that accept it (`--gzip`). */
  gzip?: boolean;
  /** Dataset seed (default 1). */
  seed?: number;
}

/**
 * Spawns `orderbridge-sandbox --port 0 --json` with the given dataset and latency and waits for
 * its settings line.
 * @throws Error when the child exits or prints something else first.
 */
export async function startSandboxProcess(options: SandboxProcessOptions): Promise<SandboxProcess> {
  const args = [
    BUILT.sandboxBin,
    '--port',
    '0',
    '--json',
    '--seed',
    String(options.seed ?? 1),
    '--flexportal-orders',
    String(options.flexportalOrders),
    '--flexfactor-orders',
    String(options.flexfactorOrders),
  ];
  if (options.latencyMs) args.push('--latency', String(options.latencyMs));
  if (options.gzip) args.push('--gzip');
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const settings = await new Promise<SandboxConnectionSettings>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (line) => {
      lines.close();
      try {
        resolve(JSON.parse(line) as SandboxConnectionSettings);
      } catch {
        reject(new Error(`the sandbox printed ${JSON.stringify(line)} instead of its settings`));
      }
    });
    child.once('exit', (code) =>
      reject(new Error(`the sandbox exited with code ${code} before starting: ${stderr.trim()}`)),
    );
  });
  return {
    settings,
    control: connectSandbox(settings.url),
    pid: child.pid!,
    stop: () => stopChild(child, exited),
  };
}

/** Sends SIGTERM and waits for the exit (SIGKILL after 5 s). */
export async function stopChild(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}
