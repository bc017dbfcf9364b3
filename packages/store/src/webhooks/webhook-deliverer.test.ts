import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeOrder, startLoopbackReceiver } from '@orderbridge/testkit';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createOrderStore } from '../create-order-store.js';
import type { OrderStore } from '../order-store.js';
import { reportDatabase } from '../reports/report-query.js';
import { progressOf } from '../test-support/contract-orders.js';
import { createWebhookDeliverer, type WebhookDelivererSettings } from './webhook-deliverer.js';
import { retryDelayMs } from './webhook-retry-schedule.js';
import { WebhookStore } from './webhook-store.js';

const folder = mkdtempSync(join(tmpdir(), 'orderbridge-deliverer-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));
let databases = 0;
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A store with one endpoint on a loopback receiver and one pending delivery; a settable clock. */
async function setUp(overrides: Partial<WebhookDelivererSettings> = {}) {
  const url = `sqlite:${join(folder, `store-${++databases}.db`)}`;
  let store: OrderStore = await createOrderStore({ url });
  cleanups.push(() => store.close());
  const receiver = await startLoopbackReceiver();
  cleanups.push(() => receiver.close());
  const webhooks = new WebhookStore(store);
  const { endpoint } = await webhooks.createEndpoint(
    { scope: 'default', url: receiver.url, events: ['order.created'] },
    { allowLoopback: true },
  );
  await store.applyBatch({
    provider: 'alpha',
    runId: 'run-1',
    observedAt: new Date().toISOString(),
    orders: [makeOrder('alpha', '1')],
    progress: progressOf('run-1'),
  });
  const clock = { now: Date.now() + 1000 };
  const deliverer = (settings: Partial<WebhookDelivererSettings> = {}) =>
    createWebhookDeliverer({
      store,
      allowLoopback: true,
      now: () => clock.now,
      random: () => 0.5,
      retrySchedule: { initialDelayMs: 1000, maxDelayMs: 8000, retryWindowMs: 60_000 },
      ...overrides,
      ...settings,
    });
  return {
    store,
    webhooks,
    receiver,
    endpoint,
    clock,
    deliverer,
    async reopen() {
      await store.close();
      store = await createOrderStore({ url });
      return store;
    },
    async deliveries() {
      return (await new WebhookStore(store).listDeliveries(endpoint.id)).deliveries;
    },
  };
}

describe('retryDelayMs', () => {
  it('grows exponentially up to the cap, with full jitter below it', () => {
    const schedule = { initialDelayMs: 1000, maxDelayMs: 8000, retryWindowMs: 60_000 };
    const highest = [1, 2, 3, 4, 5, 6].map((attempt) =>
      retryDelayMs(attempt, schedule, () => 0.999999),
    );
    expect(highest).toEqual([999, 1999, 3999, 7999, 7999, 7999]);
    expect(retryDelayMs(3, schedule, () => 0)).toBe(0);
    expect(retryDelayMs(3, schedule, () => 0.25)).toBe(1000);
  });
});

describe('createWebhookDeliverer', () => {
  it('retries a failed delivery after the backoff, with the same webhook-id', async () => {
    const { receiver, clock, deliverer, deliveries } = await setUp();
    receiver.answer(() => 500);
    const engine = deliverer();
    expect(await engine.deliverDue()).toMatchObject({ claimed: 1, retrying: 1 });
    const [pending] = await deliveries();
    expect(pending).toMatchObject({ status: 'pending', lastError: 'The endpoint answered 500' });
    expect(pending!.attempts).toMatchObject([
      { attempt: 1, outcome: 'failed', statusCode: 500, errorClass: 'http_status' },
    ]);
    // Half (random 0.5) of the first ceiling (1000 ms).
    expect(Date.parse(pending!.nextAttemptAt!)).toBe(clock.now + 500);
    expect((await engine.deliverDue()).claimed).toBe(0);

    receiver.answer(() => 200);
    clock.now += 500;
    expect(await engine.deliverDue()).toMatchObject({ claimed: 1, delivered: 1 });
    const ids = receiver.received.map((request) => request.headers['webhook-id']);
    expect(ids).toHaveLength(2);
    expect(new Set(ids).size).toBe(1);
    expect((await deliveries())[0]).toMatchObject({
      status: 'delivered',
      deliveredAt: expect.any(String),
    });
  });

  it('fails a delivery for good once its retry window has passed', async () => {
    const { receiver, clock, deliverer, deliveries } = await setUp();
    receiver.answer(() => 503);
    const engine = deliverer({ disableAfterMs: 10 * 60_000 });
    await engine.deliverDue();
    clock.now += 60_000;
    expect(await engine.deliverDue()).toMatchObject({ claimed: 1, failed: 1 });
    const [failed] = await deliveries();
    expect(failed).toMatchObject({ status: 'failed', nextAttemptAt: null });
    expect(failed!.attempts).toHaveLength(2);
    clock.now += 60_000;
    expect((await engine.deliverDue()).claimed).toBe(0);
  });

  it('disables an endpoint whose attempts all failed for disableAfterMs, and resumes on enable', async () => {
    const { receiver, clock, deliverer, webhooks, endpoint, deliveries } = await setUp();
    receiver.answer(() => 500);
    const engine = deliverer({ disableAfterMs: 2000 });
    await engine.deliverDue();
    clock.now += 1000;
    await engine.deliverDue();
    expect(await webhooks.getEndpoint('default', endpoint.id)).toMatchObject({
      enabled: true,
      consecutiveFailures: 2,
    });
    clock.now += 1000;
    await engine.deliverDue();
    const disabled = await webhooks.getEndpoint('default', endpoint.id);
    expect(disabled).toMatchObject({ enabled: false, consecutiveFailures: 3 });
    expect(disabled!.disabledReason).toContain('Every delivery attempt failed');
    clock.now += 10_000;
    expect((await engine.deliverDue()).claimed).toBe(0);

    receiver.answer(() => 204);
    await webhooks.enableEndpoint('default', endpoint.id);
    clock.now += 1;
    expect(await engine.deliverDue()).toMatchObject({ delivered: 1 });
    expect((await deliveries())[0]!.status).toBe('delivered');
    expect(await webhooks.getEndpoint('default', endpoint.id)).toMatchObject({
      enabled: true,
      failingSince: null,
      consecutiveFailures: 0,
    });
  });

  it('records a receiver that does not answer in time as a timeout', async () => {
    const { receiver, deliverer, deliveries } = await setUp();
    receiver.answer(() => 'hang');
    await deliverer({ timeoutMs: 200, leaseMs: 5000 }).deliverDue();
    expect((await deliveries())[0]!.attempts).toMatchObject([
      { outcome: 'failed', errorClass: 'timeout', statusCode: null },
    ]);
  });

  it('refuses a loopback receiver unless loopback is allowed, without connecting', async () => {
    const { receiver, deliverer, deliveries } = await setUp();
    await deliverer({ allowLoopback: false }).deliverDue();
    expect(receiver.received).toHaveLength(0);
    expect((await deliveries())[0]!.attempts).toMatchObject([{ errorClass: 'refused_address' }]);
  });

  it('takes over a delivery whose lease expired, never one whose lease holds', async () => {
    const { store, receiver, clock, deliverer } = await setUp();
    const db = reportDatabase(store);
    await db
      .updateTable('webhook_deliveries')
      .set({ lease_owner: 'crashed', lease_expires_at: new Date(clock.now + 5000).toISOString() })
      .execute();
    const engine = deliverer();
    expect((await engine.deliverDue()).claimed).toBe(0);
    clock.now += 5001;
    expect(await engine.deliverDue()).toMatchObject({ claimed: 1, delivered: 1 });
    expect(receiver.received).toHaveLength(1);
  });

  it('loses nothing across a restart: the outbox is in the database', async () => {
    const { receiver, reopen } = await setUp();
    const reopened = await reopen();
    const engine = createWebhookDeliverer({ store: reopened, allowLoopback: true });
    expect(await engine.deliverDue()).toMatchObject({ delivered: 1 });
    expect(receiver.received).toHaveLength(1);
  });

  it('runs as a loop until stopped', async () => {
    const { receiver, deliverer, deliveries } = await setUp();
    const engine = deliverer({ now: Date.now, pollIntervalMs: 20 });
    engine.start();
    await expect.poll(() => receiver.received.length, { timeout: 10_000 }).toBe(1);
    await engine.stop();
    expect((await deliveries())[0]!.status).toBe('delivered');
  });
});
