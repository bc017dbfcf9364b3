import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { BUILT } from './paths.ts';
import { stopChild } from './sandbox-process.ts';

/** An `orderbridge-service` process started by {@link startServiceProcess}. */
export interface ServiceProcess {
  /** The process (its pid for CPU figures). */
  child: ChildProcess;
  /** `http://127.0.0.1:<port>`. */
  url: string;
  /** Sends SIGTERM and waits for the exit (SIGKILL after 5 s). */
  stop(): Promise<void>;
}

/** Options of {@link startServiceProcess}. */
export interface ServiceProcessOptions {
  /** The tenants file (`--tenants`). */
  tenantsFile: string;
  /** The environment it starts from (default `process.env`). */
  baseEnv?: NodeJS.ProcessEnv;
  /** Variables set on top (`LOG_LEVEL` defaults to `info`, a fresh cursor secret is always set). */
  env?: Record<string, string>;
}

/**
 * Spawns `orderbridge-service --tenants <file>` on a free loopback port and waits until `/healthz`
 * answers. Its stdout (request logs) goes to /dev/null: written as in production, read by no one.
 * @throws Error with the service's stderr when it exits or is not healthy within 30 s.
 */
export async function startServiceProcess(options: ServiceProcessOptions): Promise<ServiceProcess> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(
    process.execPath,
    [
      BUILT.serviceBin,
      '--tenants',
      options.tenantsFile,
      '--port',
      String(port),
      '--host',
      '127.0.0.1',
    ],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: {
        ...(options.baseEnv ?? process.env),
        ORDERBRIDGE_CURSOR_SECRET: randomBytes(48).toString('base64'),
        LOG_LEVEL: 'info',
        ...options.env,
      },
    },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = () => stopChild(child, exited);
  try {
    await waitForHealth(url, child, () => stderr);
  } catch (error) {
    await stop();
    throw error;
  }
  return { child, url, stop };
}

/**
 * Polls `<url>/healthz` every 100 ms until it answers 2xx.
 * @throws Error with `stderr()` when `child` exits first or 30 s pass.
 */
async function waitForHealth(
  url: string,
  child: ChildProcess,
  stderr: () => string,
): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (child.exitCode === null && child.signalCode === null && Date.now() < deadline) {
    try {
      if ((await fetch(`${url}/healthz`)).ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the service did not become healthy: ${stderr().trim()}`);
}

/** A TCP port free on the loopback interface now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
