import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  connectSandbox,
  type SandboxClient,
  type SandboxConnectionSettings,
} from '@orderbridge/sandbox';

/** The service's built entry point (the tests run against the real process). */
export const SERVICE_BIN = fileURLToPath(new URL('../../dist/bin.js', import.meta.url));
/** The sandbox's built entry point. */
export const SANDBOX_BIN = fileURLToPath(
  new URL('../../../../packages/sandbox/dist/bin.js', import.meta.url),
);

/** Only what a child process needs from this environment (no provider variables leak in). */
function baseEnvironment(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of ['PATH', 'HOME', 'TMPDIR', 'LANG']) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  return env;
}

/** Collects a stream's lines as they arrive. */
function collectLines(
  stream: NodeJS.ReadableStream,
  lines: string[],
  onLine?: (line: string) => void,
) {
  let buffer = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    buffer += chunk;
    let newline = buffer.indexOf('\n');
    while (newline !== -1) {
      const line = buffer.slice(0, newline);
      buffer = buffer.slice(newline + 1);
      lines.push(line);
      onLine?.(line);
      newline = buffer.indexOf('\n');
    }
  });
  stream.on('end', () => {
    if (buffer !== '') lines.push(buffer);
  });
}

/** A child process with its output and exit. */
export interface Child {
  process: ChildProcess;
  stdout: string[];
  stderr: string[];
  /** Resolves with the exit code (or the signal name). */
  exited: Promise<number | string>;
  /** Sends a signal and waits for the exit; kills it after `timeoutMs`. */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<number | string>;
}

function spawnChild(args: string[], env: Record<string, string>): Child {
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const stdout: string[] = [];
  const stderr: string[] = [];
  collectLines(child.stdout!, stdout);
  collectLines(child.stderr!, stderr);
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown'));
  });
  return {
    process: child,
    stdout,
    stderr,
    exited,
    async stop(signal = 'SIGTERM', timeoutMs = 15_000) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      const result = await exited;
      clearTimeout(timer);
      return result;
    },
  };
}

/** Waits until `predicate` holds for a collected line, or fails with the output so far. */
export async function waitForLine(
  child: Child,
  stream: 'stdout' | 'stderr',
  predicate: (line: string) => boolean,
  timeoutMs = 20_000,
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const line = child[stream].find(predicate);
    if (line !== undefined) return line;
    if (child.process.exitCode !== null || Date.now() > deadline) {
      throw new Error(
        `no matching ${stream} line (exit ${child.process.exitCode}):\n${child.stdout.join('\n')}\n${child.stderr.join('\n')}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** A sandbox running in its own process. */
export interface SandboxProcess extends Child {
  settings: SandboxConnectionSettings;
  control: SandboxClient;
}

/** Starts `orderbridge-sandbox --port 0 --json` and reads its connection settings. */
export async function startSandboxProcess(extraArgs: string[] = []): Promise<SandboxProcess> {
  const child = spawnChild([SANDBOX_BIN, '--port', '0', '--json', ...extraArgs], baseEnvironment());
  const line = await waitForLine(child, 'stdout', (text) => text.startsWith('{'));
  const settings = JSON.parse(line) as SandboxConnectionSettings;
  return { ...child, settings, control: connectSandbox(settings.url) };
}

/** A service running in its own process. */
export interface ServiceProcess extends Child {
  url: string;
  /** Parsed JSON log lines so far. */
  logs(): Array<Record<string, unknown>>;
}

/** Writes a tenants file into a fresh temporary folder and returns its path. */
export function writeTenantsFile(content: unknown): string {
  const folder = mkdtempSync(join(tmpdir(), 'orderbridge-service-e2e-'));
  const path = join(folder, 'tenants.json');
  writeFileSync(path, JSON.stringify(content, null, 2));
  return path;
}

/**
 * Starts `node dist/bin.js` on a free port with the given arguments and environment (on top of
 * PATH and HOME only), and waits for its "listening" log line.
 */
export async function startServiceProcess(
  args: string[],
  env: Record<string, string>,
): Promise<ServiceProcess> {
  const child = spawnChild([SERVICE_BIN, '--port', '0', ...args], { ...baseEnvironment(), ...env });
  const line = await waitForLine(child, 'stdout', (text) =>
    text.includes('"orderbridge-service listening"'),
  );
  const { url } = JSON.parse(line) as { url: string };
  return {
    ...child,
    url,
    logs: () =>
      child.stdout.flatMap((text) => {
        try {
          return [JSON.parse(text) as Record<string, unknown>];
        } catch {
          return [];
        }
      }),
  };
}

/** Runs the service bin to completion (for configuration errors and the key commands). */
export async function runService(
  args: string[],
  env: Record<string, string> = {},
  input?: string,
): Promise<{ code: number | string; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [SERVICE_BIN, ...args], {
    env: { ...baseEnvironment(), ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const stdout: string[] = [];
  const stderr: string[] = [];
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => stdout.push(chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => stderr.push(chunk));
  child.stdin.end(input ?? '');
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  const code = await new Promise<number | string>((resolve) =>
    child.once('exit', (exitCode, signal) => resolve(exitCode ?? signal ?? 'unknown')),
  );
  clearTimeout(timer);
  return { code, stdout: stdout.join(''), stderr: stderr.join('') };
}
