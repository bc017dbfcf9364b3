import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type OrderProvider, pages } from '@orderbridge/core';
import { createFlexFactor } from '@orderbridge/flexfactor';
import { createFlexPortal } from '@orderbridge/flexportal';
import { type Sandbox, startSandbox } from '@orderbridge/sandbox';
import { createOrderStore, type OrderStore } from '@orderbridge/store';
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
 * Copies every order of each provider into the store, page by page, as one full run each. It
 * stands in for `syncOrders` (built on another branch), using only the store's public batch API.
 */
export async function copyIntoStore(store: OrderStore, providers: readonly OrderProvider[]) {
  for (const provider of providers) {
    const runId = `e2e-${provider.id}`;
    const startedAt = new Date().toISOString();
    for await (const page of pages(provider, { limit: provider.capabilities.maxPageSize })) {
      await store.applyBatch({
        provider: provider.id,
        runId,
        observedAt: new Date().toISOString(),
        orders: page.orders,
        progress: {
          runId,
          mode: 'full',
          startedAt,
          cursor: page.nextCursor,
          query: {},
          counts: { fetched: 0, created: 0, updated: 0, unchanged: 0, vanished: 0, rejected: 0 },
          requests: 0,
        },
      });
    }
    await store.finishRun({
      provider: provider.id,
      runId,
      finishedAt: new Date().toISOString(),
      watermark: null,
      fullSweep: true,
      counts: { fetched: 0, created: 0, updated: 0, unchanged: 0, vanished: 0, rejected: 0 },
      requests: 0,
    });
  }
}

/**
 * Starts an in-process sandbox (its stores are the ground truth the tests compute from), fills a
 * SQLite store from it, and starts the service process with one tenant reading that store.
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
  const store = await createOrderStore({ url: databaseUrl });
  try {
    await copyIntoStore(store, [
      createFlexPortal(providerEntries.flexportal),
      createFlexFactor(providerEntries.flexfactor),
    ]);
  } finally {
    await store.close();
  }
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
