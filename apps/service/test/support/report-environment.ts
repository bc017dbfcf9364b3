import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Sandbox, startSandbox } from '@orderbridge/sandbox';
import { runCli } from './cli.js';
import { type ServiceProcess, startServiceProcess, writeTenantsFile } from './processes.js';
import { E2E_CURSOR_SECRET, E2E_KEYS } from './tenants.js';

/** A sandbox, a store filled from it, and the service process reading that store. */
export interface ReportEnvironment {
  sandbox: Sandbox;
  service: ServiceProcess;
  /** A temporary folder (the store lives in it; removed by `stop`). */
  folder: string;
  databaseUrl: string;
  /** The tenant's API key (obviously fake). */
  apiKey: string;
  stop(): Promise<void>;
}

/**
 * Starts an in-process sandbox (its stores are the ground truth the tests compute from), syncs it
 * into a SQLite store with `orderbridge sync`, and starts the service process with one tenant
 * reading that store.
 */
export async function startReportEnvironment(options: {
  seed: number;
  orders: number;
}): Promise<ReportEnvironment> {
  const sandbox = await startSandbox({
    port: 0,
    seed: options.seed,
    orders: { flexportal: options.orders, flexfactor: options.orders },
  });
  const folder = mkdtempSync(join(tmpdir(), 'orderbridge-reports-e2e-'));
  const databaseUrl = `sqlite:${join(folder, 'store.db')}`;
  const providerEntries = {
    flexportal: {
      apiKey: sandbox.flexportal.apiKey,
      tenantId: sandbox.flexportal.tenantId,
      baseUrl: sandbox.flexportal.baseUrl,
    },
    flexfactor: {
      appKey: sandbox.flexfactor.appKey,
      appSecret: sandbox.flexfactor.appSecret,
      baseUrl: sandbox.flexfactor.baseUrl,
    },
  };
  // The store is filled as users fill it: `orderbridge sync` against the sandbox.
  const sync = await runCli(['sync', '--database', databaseUrl, '--format', 'json'], {
    cwd: folder,
    env: {
      FLEXPORTAL_BASE_URL: sandbox.flexportal.baseUrl,
      FLEXPORTAL_API_KEY: sandbox.flexportal.apiKey,
      FLEXPORTAL_TENANT_ID: sandbox.flexportal.tenantId,
      FLEXFACTOR_BASE_URL: sandbox.flexfactor.baseUrl,
      FLEXFACTOR_APP_KEY: sandbox.flexfactor.appKey,
      FLEXFACTOR_APP_SECRET: sandbox.flexfactor.appSecret,
    },
  });
  if (sync.code !== 0) throw new Error(`orderbridge sync failed (${sync.code}): ${sync.stderr}`);
  const apiKey = E2E_KEYS.tenantA;
  const tenantsFile = writeTenantsFile({
    tenants: [
      {
        id: 'tenant-a',
        apiKeys: [{ id: 'a-ci', sha256: createHash('sha256').update(apiKey).digest('hex') }],
        providers: [
          { type: 'flexportal', ...providerEntries.flexportal },
          { type: 'flexfactor', ...providerEntries.flexfactor },
        ],
        // The scope the store was filled in (the one `orderbridge sync` writes).
        storeScope: 'default',
      },
    ],
  });
  const service = await startServiceProcess(['--tenants', tenantsFile], {
    ORDERBRIDGE_CURSOR_SECRET: E2E_CURSOR_SECRET,
    ORDERBRIDGE_DATABASE_URL: databaseUrl,
  });
  return {
    sandbox,
    service,
    folder,
    databaseUrl,
    apiKey,
    async stop() {
      await service.stop();
      await sandbox.close();
      rmSync(folder, { recursive: true, force: true });
    },
  };
}
