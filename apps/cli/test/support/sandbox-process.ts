import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';
import {
  connectSandbox,
  type SandboxClient,
  type SandboxConnectionSettings,
} from '@orderbridge/sandbox';

const require = createRequire(import.meta.url);
/** The sandbox's own bin (`orderbridge-sandbox`), run as a separate process like a real provider. */
const SANDBOX_BIN = require.resolve('@orderbridge/sandbox').replace(/index\.js$/, 'bin.js');

/** A sandbox running in another process. */
export interface SandboxProcess {
  /** Its connection settings. */
  settings: SandboxConnectionSettings;
  /** Provider environment variables pointing the CLI at it. */
  env: Record<string, string>;
  /** Control client (faults, data). */
  control: SandboxClient;
  /** Stops it. */
  stop(): Promise<void>;
}

/** Starts `orderbridge-sandbox --port 0 --json` with the given flags and reads its settings line. */
export async function startSandboxProcess(flags: readonly string[] = []): Promise<SandboxProcess> {
  const child: ChildProcess = spawn(
    process.execPath,
    [SANDBOX_BIN, '--port', '0', '--json', ...flags],
    {
      env: {},
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const lines = createInterface({ input: child.stdout! });
  const settings = await new Promise<SandboxConnectionSettings>((resolve, reject) => {
    child.once('exit', (code) =>
      reject(new Error(`sandbox exited with ${code} before printing its settings`)),
    );
    lines.once('line', (line) => resolve(JSON.parse(line) as SandboxConnectionSettings));
  });
  return {
    settings,
    env: { ...settings.env },
    control: connectSandbox(settings.url),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
