import { type ChildProcess, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Sandbox } from '@orderbridge/sandbox';
import { CANARIES, evidence } from './evidence.js';

const require = createRequire(import.meta.url);

/** The built service: the suite runs exactly what operators run. */
export const SERVICE_BIN = join(
  dirname(require.resolve('@orderbridge/service/package.json')),
  'dist',
  'bin.js',
);

/** Obviously fake API keys of the suite's two tenants. */
export const SERVICE_KEYS = {
  main: 'obk_fault_suite_main_key_not_a_secret_000001',
  other: 'obk_fault_suite_other_key_not_a_secret_000002',
} as const;

/** A service process and what it printed. */
export interface ServiceProcess {
  /** Base URL, `http://127.0.0.1:<port>`. */
  url: string;
  /** The cursor secret it signs with (the suite signs expired cursors with it). */
  cursorSecret: string;
  /** Lines it printed on stdout and stderr so far. */
  output: string[];
  /** GET with a tenant's key (`main` by default; null for none). */
  get(path: string, key?: string | null, headers?: Record<string, string>): Promise<Response>;
  /** SIGTERM, then waits for the exit. */
  stop(): Promise<void>;
  /** SIGKILL (a crash: nothing is finished), then waits for the exit. */
  kill(): Promise<void>;
}

/**
 * Starts `orderbridge-service` on a free loopback port with a tenants file for the sandbox: tenant
 * `main` (both providers, with the canary credentials) and tenant `other` (FlexPortal only).
 * `env` adds the service's own settings (limits, budgets).
 */
export async function startServiceProcess(
  sandbox: Sandbox,
  env: Record<string, string> = {},
): Promise<ServiceProcess> {
  const folder = mkdtempSync(join(tmpdir(), 'orderbridge-fault-service-'));
  const tenantsFile = join(folder, 'tenants.json');
  const sha256 = (key: string) => createHash('sha256').update(key).digest('hex');
  const flexportal = {
    type: 'flexportal',
    apiKey: { env: 'FAULT_FLEXPORTAL_KEY' },
    tenantId: CANARIES.flexPortalTenantId,
    baseUrl: sandbox.flexportal.baseUrl,
  };
  writeFileSync(
    tenantsFile,
    JSON.stringify({
      tenants: [
        {
          id: 'main',
          apiKeys: [{ id: 'suite', sha256: sha256(SERVICE_KEYS.main) }],
          providers: [
            flexportal,
            {
              type: 'flexfactor',
              appKey: CANARIES.flexFactorAppKey,
              appSecret: { env: 'FAULT_FLEXFACTOR_SECRET' },
              baseUrl: sandbox.flexfactor.baseUrl,
            },
          ],
          rateLimit: { requestsPerMinute: 100_000 },
        },
        {
          id: 'other',
          apiKeys: [{ id: 'suite', sha256: sha256(SERVICE_KEYS.other) }],
          providers: [flexportal],
        },
      ],
    }),
  );
  return startServiceWith(tenantsFile, {
    FAULT_FLEXPORTAL_KEY: CANARIES.flexPortalApiKey,
    FAULT_FLEXFACTOR_SECRET: CANARIES.flexFactorAppSecret,
    // Debug: every upstream request is logged, so the canary sweep searches the logs too.
    LOG_LEVEL: 'debug',
    ...env,
  });
}

/**
 * Starts `orderbridge-service` on a free loopback port with a tenants file and exactly `env` (plus
 * PATH); the cursor secret is random unless `env` gives one (replicas must share it).
 */
export async function startServiceWith(
  tenantsFile: string,
  env: Record<string, string>,
): Promise<ServiceProcess> {
  const cursorSecret = env.ORDERBRIDGE_CURSOR_SECRET ?? randomBytes(32).toString('base64url');
  const child: ChildProcess = spawn(
    process.execPath,
    [SERVICE_BIN, '--tenants', tenantsFile, '--port', '0', '--host', '127.0.0.1'],
    {
      env: { PATH: process.env.PATH ?? '', ORDERBRIDGE_CURSOR_SECRET: cursorSecret, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const output: string[] = [];
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  createInterface({ input: child.stderr! }).on('line', (line) => output.push(line));
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      output.push(line);
      if (line.includes('"orderbridge-service listening"')) {
        resolve((JSON.parse(line) as { url: string }).url);
      }
    });
    void exited.then(() => reject(new Error(`the service exited:\n${output.join('\n')}`)));
  });
  return {
    url,
    cursorSecret,
    output,
    get(path, key = SERVICE_KEYS.main, headers = {}) {
      return fetch(`${url}${path}`, {
        headers: key === null ? headers : { authorization: `Bearer ${key}`, ...headers },
      });
    },
    async kill() {
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;
      evidence.add('service output', output.join('\n'));
    },
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
      evidence.add('service output', output.join('\n'));
    },
  };
}
