/**
 * Incoming FlexFactor webhooks over real HTTP: a sandbox process sends webhooks to a service
 * process → the service re-fetches each announced order from the sandbox → the tenant's store
 * scope holds its new state, and the change log has exactly one entry per announced change.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createFlexFactor } from '@orderbridge/flexfactor';
import type { FlexFactorRow, WebhookDelivery } from '@orderbridge/sandbox';
import { createOrderStore, type OrderStore, syncOrders } from '@orderbridge/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type SandboxProcess,
  type ServiceProcess,
  startSandboxProcess,
  startServiceProcess,
  writeTenantsFile,
} from './support/processes.js';
import { E2E_CURSOR_SECRET, E2E_KEYS } from './support/tenants.js';

/** An obviously fake webhook secret; also a canary that must never show up in a log line. */
const HOOK_SECRET = 'e2e_hook_secret_canary_0123456789abcdef';
const SCOPE = 'acme-scope';

const POSTGRES_URL = process.env.ORDERBRIDGE_TEST_DATABASE_URL;

/** A new, empty database on the test server, and a way to drop it. */
async function freshPostgresDatabase(
  serverUrl: string,
): Promise<{ url: string; drop: () => Promise<void> }> {
  const { default: pg } = await import('pg');
  const name = `hooks_e2e_${randomBytes(6).toString('hex')}`;
  const admin = async (statement: string) => {
    const client = new pg.Client({ connectionString: serverUrl });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  };
  await admin(`create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`drop database if exists ${name} with (force)`) };
}

const backends: Array<{
  name: string;
  database: (folder: string) => Promise<{ url: string; drop: () => Promise<void> }>;
}> = [
  {
    name: 'SQLite',
    database: async (folder) => ({
      url: `sqlite:${join(folder, 'store.db')}`,
      drop: async () => {},
    }),
  },
];
if (POSTGRES_URL) {
  backends.push({ name: 'PostgreSQL', database: () => freshPostgresDatabase(POSTGRES_URL) });
}

describe.each(backends)('incoming FlexFactor webhooks end to end on $name', ({ database }) => {
  let sandbox: SandboxProcess;
  let service: ServiceProcess;
  let store: OrderStore;
  let folder: string;
  let dropDatabase: () => Promise<void> = async () => {};
  /** The folder `writeTenantsFile` made. */
  let tenantsFolder: string | undefined;
  /** Ids of the orders the churn changed or created. */
  let touched = new Set<string>();

  /** Polls until `read` returns a value `done` accepts (no timing assertion: only a give-up). */
  async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
    const giveUpAt = Date.now() + 30_000;
    for (;;) {
      const value = await read();
      if (done(value) || Date.now() > giveUpAt) return value;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  beforeAll(async () => {
    sandbox = await startSandboxProcess(['--seed', '23', '--orders', '60']);
    folder = mkdtempSync(join(tmpdir(), 'orderbridge-hooks-e2e-'));
    const created = await database(folder);
    const databaseUrl = created.url;
    dropDatabase = created.drop;
    const flexfactor = sandbox.settings.flexfactor;
    const tenantsFile = writeTenantsFile({
      tenants: [
        {
          id: 'acme',
          apiKeys: [
            {
              id: 'acme-ci',
              sha256: createHash('sha256').update(E2E_KEYS.tenantA).digest('hex'),
            },
          ],
          providers: [
            {
              type: 'flexfactor',
              appKey: flexfactor.appKey,
              appSecret: flexfactor.appSecret,
              baseUrl: flexfactor.baseUrl,
            },
          ],
          storeScope: SCOPE,
          incomingWebhooks: { flexfactor: { secret: { env: 'ACME_FLEXFACTOR_HOOK_SECRET' } } },
        },
      ],
    });
    tenantsFolder = dirname(tenantsFile);
    // The tenant's scope starts as a sync leaves it, so webhooks bring updates as well as new orders.
    store = await createOrderStore({ url: databaseUrl });
    const [baseline] = await syncOrders({
      providers: [
        createFlexFactor({
          appKey: flexfactor.appKey,
          appSecret: flexfactor.appSecret,
          baseUrl: flexfactor.baseUrl,
        }),
      ],
      store,
      scope: SCOPE,
      mode: 'full',
    });
    expect(baseline?.error).toBeUndefined();
    service = await startServiceProcess(['--tenants', tenantsFile], {
      ORDERBRIDGE_CURSOR_SECRET: E2E_CURSOR_SECRET,
      ORDERBRIDGE_DATABASE_URL: databaseUrl,
      ACME_FLEXFACTOR_HOOK_SECRET: HOOK_SECRET,
    });
    await sandbox.control.flexfactor.webhooks.subscribe({
      url: `${service.url}/hooks/flexfactor/acme/${HOOK_SECRET}`,
    });
  });

  afterAll(async () => {
    await service?.stop();
    await sandbox?.stop();
    await store?.close();
    await dropDatabase();
    if (folder) rmSync(folder, { recursive: true, force: true });
    if (tenantsFolder) rmSync(tenantsFolder, { recursive: true, force: true });
  });

  it('a sandbox churn reaches the tenant scope and its change log, once per change', async () => {
    const changesBefore = await store.listChanges({ scope: SCOPE, limit: 1000 });
    const after = changesBefore.at(-1)?.seq ?? 0;
    const churn = await sandbox.control.flexfactor.churn({ count: 12, newOrders: 4, seed: 9 });
    touched = new Set([...churn.changed.map((change) => change.id), ...churn.created]);

    const deliveries = await eventually(
      () => sandbox.control.flexfactor.webhooks.deliveries(),
      (list: WebhookDelivery[]) =>
        list.length > 0 && list.every((delivery) => delivery.outcome !== 'pending'),
    );
    expect(deliveries.length).toBeGreaterThan(0);
    expect(deliveries.every((delivery) => delivery.outcome === 'delivered')).toBe(true);
    const announced = new Set(deliveries.map((delivery) => delivery.orderId));
    const created = new Set(churn.created.filter((id) => announced.has(id)));

    // Exactly the announced orders: `created` for new ones, `updated` for changed ones.
    const expected = [...announced]
      .map((id) => `${created.has(id) ? 'created' : 'updated'} flexfactor:${id}`)
      .sort();
    const changes = await eventually(
      () => store.listChanges({ scope: SCOPE, after, limit: 1000 }),
      (list) => list.length >= expected.length,
    );
    expect(changes.map((change) => `${change.kind} ${change.key}`).sort()).toEqual(expected);
    expect(changes.every((change) => change.runId.startsWith('webhook:flexfactor:'))).toBe(true);

    // The scope holds each order as the sandbox now has it.
    for (const id of announced) {
      const row = (await sandbox.control.flexfactor.get(id)) as FlexFactorRow;
      const stored = await store.getOrder(`flexfactor:${id}`, SCOPE);
      expect(String(stored?.order.providerStatus.code)).toBe(String(row.status));
    }
    for (const change of changes.filter((entry) => entry.kind === 'updated')) {
      expect(change.diff?.fields.length).toBeGreaterThan(0);
    }
  });

  it('a webhook about an unchanged order logs nothing: the refresh stores what a sync stores', async () => {
    // An order no churn touched: the store holds what the sync read from the listing.
    const { orders } = await store.listOrders({ scope: SCOPE, query: { limit: 100 } });
    const order = orders.find((candidate) => !touched.has(candidate.id));
    expect(order).toBeDefined();
    const before = await store.listChanges({ scope: SCOPE, limit: 1000 });
    const response = await fetch(`${service.url}/hooks/flexfactor/acme/${HOOK_SECRET}`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify({ event: 'order.completed', orderId: order?.id, isResent: true }),
    });
    expect(response.status).toBe(202);
    const written = await eventually(
      async () => service.logs().filter((line) => line.msg === 'webhook refresh written'),
      (lines) => lines.some((line) => line.orderId === order?.id),
    );
    expect(written.find((line) => line.orderId === order?.id)).toMatchObject({
      created: 0,
      updated: 0,
      unchanged: 1,
    });
    expect((await store.getOrder(order?.key ?? '', SCOPE))?.order).toEqual(order);
    expect(await store.listChanges({ scope: SCOPE, limit: 1000 })).toEqual(before);
  });

  it('never logs the webhook secret', () => {
    const text = [...service.stdout, ...service.stderr].join('\n');
    expect(text).toContain('webhook received');
    expect(text).not.toContain(HOOK_SECRET);
  });
});
