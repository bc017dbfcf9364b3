/**
 * Outgoing webhooks end to end, over real HTTP between real processes: a sandbox process's orders
 * change (churn through the sandbox client) → `orderbridge sync` writes the changes into the store
 * → the service process delivers each one, signed, to a receiver on 127.0.0.1 that verifies the
 * signature with the `standardwebhooks` library. Then the receiver goes down for a while, and the
 * service is restarted with deliveries pending: every delivery of the outbox still arrives.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createOrderStore, WebhookStore } from '@orderbridge/store';
import {
  type LoopbackReceiver,
  type ReceivedRequest,
  startLoopbackReceiver,
} from '@orderbridge/testkit';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './support/cli.js';
import {
  type SandboxProcess,
  type ServiceProcess,
  startSandboxProcess,
  startServiceProcess,
  writeTenantsFile,
} from './support/processes.js';
import { E2E_CURSOR_SECRET, E2E_KEYS } from './support/tenants.js';

let sandbox: SandboxProcess;
let service: ServiceProcess;
let receiver: LoopbackReceiver;
let folder: string;
let databaseUrl: string;
let tenantsFile: string;
let endpointId: string;
let secret: string;
/** Every request any receiver incarnation got. */
const received: ReceivedRequest[] = [];

const serviceEnvironment = () => ({
  ORDERBRIDGE_CURSOR_SECRET: E2E_CURSOR_SECRET,
  ORDERBRIDGE_DATABASE_URL: databaseUrl,
  ORDERBRIDGE_WEBHOOK_ALLOW_HTTP_LOOPBACK: 'true',
  ORDERBRIDGE_WEBHOOK_POLL_INTERVAL_MS: '50',
  ORDERBRIDGE_WEBHOOK_RETRY_INITIAL_DELAY_MS: '100',
  ORDERBRIDGE_WEBHOOK_RETRY_MAX_DELAY_MS: '400',
  ORDERBRIDGE_WEBHOOK_TIMEOUT_MS: '2000',
});

async function startReceiver(port?: number) {
  receiver = await startLoopbackReceiver(port === undefined ? {} : { port });
  // Shares the one list: what every incarnation received.
  receiver.received.push = (...requests) => received.push(...requests);
}

async function sync() {
  const { settings } = sandbox;
  const result = await runCli(['sync', '--database', databaseUrl, '--format', 'json'], {
    cwd: folder,
    env: {
      FLEXPORTAL_BASE_URL: settings.flexportal.baseUrl,
      FLEXPORTAL_API_KEY: settings.flexportal.apiKey,
      FLEXPORTAL_TENANT_ID: settings.flexportal.tenantId,
      FLEXFACTOR_BASE_URL: settings.flexfactor.baseUrl,
      FLEXFACTOR_APP_KEY: settings.flexfactor.appKey,
      FLEXFACTOR_APP_SECRET: settings.flexfactor.appSecret,
    },
  });
  expect(result.code, result.stderr).toBe(0);
}

async function api(method: string, path: string, body?: unknown) {
  const response = await fetch(`${service.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${E2E_KEYS.tenantA}`,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

interface Delivery {
  id: string;
  status: string;
  eventType: string;
  orderKey: string;
  attempts: Array<{ outcome: string }>;
}

/** The whole delivery log, through the API's keyset pages. */
async function deliveryLog(): Promise<Delivery[]> {
  const deliveries: Delivery[] = [];
  let cursor: string | null = null;
  do {
    const query: string = cursor === null ? '?limit=100' : `?limit=100&cursor=${cursor}`;
    const page = await api('GET', `/v1/webhooks/${endpointId}/deliveries${query}`);
    expect(page.status).toBe(200);
    deliveries.push(...(page.body.deliveries as Delivery[]));
    cursor = page.body.nextCursor as string | null;
  } while (cursor !== null);
  return deliveries;
}

/**
 * The ids of the requests the receiver accepted (2xx) and whose signature verifies: a request
 * answered with an error, or with a bad signature, counts for nothing.
 */
function verifiedIds(): string[] {
  const verifier = new Webhook(secret);
  return received.flatMap((request) => {
    if (typeof request.answer !== 'number' || request.answer >= 300) return [];
    try {
      verifier.verify(request.body, request.headers as Record<string, string>);
      return [request.headers['webhook-id'] as string];
    } catch {
      return [];
    }
  });
}

/** Waits until every delivery of the outbox is delivered and arrived verified; returns the log. */
async function expectAllArrived(): Promise<Delivery[]> {
  await expect
    .poll(async () => (await deliveryLog()).filter((delivery) => delivery.status !== 'delivered'), {
      timeout: 45_000,
      interval: 200,
    })
    .toEqual([]);
  const log = await deliveryLog();
  const arrived = new Set(verifiedIds());
  const lost = log.filter((delivery) => !arrived.has(delivery.id));
  expect(lost).toEqual([]);
  return log;
}

beforeAll(async () => {
  sandbox = await startSandboxProcess(['--orders', '40', '--seed', '15']);
  folder = mkdtempSync(join(tmpdir(), 'orderbridge-webhooks-e2e-'));
  databaseUrl = `sqlite:${join(folder, 'store.db')}`;
  await sync();
  await startReceiver();
  const { settings } = sandbox;
  tenantsFile = writeTenantsFile({
    tenants: [
      {
        id: 'tenant-a',
        apiKeys: [
          { id: 'a-ci', sha256: createHash('sha256').update(E2E_KEYS.tenantA).digest('hex') },
        ],
        providers: [
          {
            type: 'flexportal',
            apiKey: settings.flexportal.apiKey,
            tenantId: settings.flexportal.tenantId,
            baseUrl: settings.flexportal.baseUrl,
          },
        ],
        // The scope `orderbridge sync` writes.
        storeScope: 'default',
      },
    ],
  });
  service = await startServiceProcess(['--tenants', tenantsFile], serviceEnvironment());
  const created = await api('POST', '/v1/webhooks', {
    url: receiver.url,
    events: ['order.created', 'order.updated', 'order.vanished'],
  });
  expect(created.status).toBe(201);
  endpointId = created.body.id as string;
  secret = created.body.secret as string;
}, 120_000);

afterAll(async () => {
  await service?.stop();
  await receiver?.close();
  await sandbox?.stop();
  if (folder !== undefined) rmSync(folder, { recursive: true, force: true });
  if (tenantsFile !== undefined) rmSync(join(tenantsFile, '..'), { recursive: true, force: true });
});

describe('outgoing webhooks end to end', () => {
  it('delivers a sandbox change, synced into the store, signed to the receiver', async () => {
    const churn = await sandbox.control.flexportal.churn({ count: 4, newOrders: 3, seed: 1 });
    await sync();
    const log = await expectAllArrived();
    const created = log.filter((delivery) => delivery.eventType === 'order.created');
    expect(created.map((delivery) => delivery.orderKey).sort()).toEqual(
      churn.created.map((id) => `flexportal:${id}`).sort(),
    );
    const changedKeys = new Set(churn.changed.map((change) => `flexportal:${change.id}`));
    for (const delivery of log.filter((entry) => entry.eventType === 'order.updated')) {
      expect(changedKeys.has(delivery.orderKey)).toBe(true);
    }
    // Each delivery announces an entry of the store's change log, for the same order.
    const store = await createOrderStore({ url: databaseUrl });
    try {
      const changes = await store.listChanges({ limit: 1000 });
      const keyOfSeq = new Map(changes.map((change) => [change.seq, change.key]));
      const outbox = await new WebhookStore(store).listDeliveries(endpointId, { limit: 100 });
      expect(outbox.deliveries.length).toBe(log.length);
      for (const delivery of outbox.deliveries) {
        expect(keyOfSeq.get(delivery.changeSeq)).toBe(delivery.orderKey);
      }
    } finally {
      await store.close();
    }
    // The payload carries the change entry and the canonical order.
    const [request] = received;
    const payload = JSON.parse(request!.body) as {
      type: string;
      data: { change: { seq: number; key: string }; order: { key: string } };
    };
    expect(payload.data.order.key).toBe(payload.data.change.key);
    expect(payload.data.change.seq).toBeGreaterThan(0);
  });

  it('delivers everything after the receiver was down for a while', async () => {
    const port = receiver.port;
    await receiver.close();
    await sandbox.control.flexportal.churn({ count: 3, newOrders: 2, seed: 2 });
    await sync();
    // Attempts fail while it is down…
    await expect
      .poll(
        async () =>
          (await deliveryLog()).some((delivery) =>
            delivery.attempts.some((attempt) => attempt.outcome === 'failed'),
          ),
        { timeout: 30_000, interval: 100 },
      )
      .toBe(true);
    // …and all of them arrive once it is back.
    await startReceiver(port);
    await expectAllArrived();
  });

  it('loses nothing when the service restarts with deliveries pending', async () => {
    receiver.answer(() => 503);
    await sandbox.control.flexportal.churn({ count: 3, newOrders: 2, seed: 3 });
    await sync();
    await expect
      .poll(async () => (await deliveryLog()).some((delivery) => delivery.status === 'pending'), {
        timeout: 30_000,
        interval: 100,
      })
      .toBe(true);
    await service.stop();
    receiver.answer(() => 204);
    service = await startServiceProcess(['--tenants', tenantsFile], serviceEnvironment());
    const log = await expectAllArrived();

    // The store agrees: its outbox is what the API showed, all delivered.
    const store = await createOrderStore({ url: databaseUrl });
    try {
      const page = await new WebhookStore(store).listDeliveries(endpointId, { limit: 100 });
      expect(page.deliveries.map((delivery) => delivery.id).sort()).toEqual(
        log.map((delivery) => delivery.id).sort(),
      );
    } finally {
      await store.close();
    }
    const ids = verifiedIds();
    expect(new Set(ids).size).toBe(log.length);
  });
});
