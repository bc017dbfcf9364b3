import { makeOrder, startLoopbackReceiver } from '@orderbridge/testkit';
import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it } from 'vitest';
import type { OrderStore, SyncBatch } from '../order-store.js';
import { reportDatabase } from '../reports/report-query.js';
import { createWebhookDeliverer } from '../webhooks/webhook-deliverer.js';
import { WebhookStore } from '../webhooks/webhook-store.js';
import { progressOf } from './contract-orders.js';

/** Opens a new, empty store for one test, and another connection (pool) to the same database. */
export type OpenStore = () => Promise<{ store: OrderStore; openAgain: () => Promise<OrderStore> }>;

const LOOPBACK = { allowLoopback: true };

/** The outbox and delivery behaviour every store dialect must show. */
export function describeWebhooks(name: string, openStore: OpenStore): void {
  describe(`webhooks on ${name}`, () => {
    const cleanups: Array<() => Promise<unknown>> = [];
    afterEach(async () => {
      for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    });

    async function setUp() {
      const { store, openAgain } = await openStore();
      cleanups.push(() => store.close());
      const receiver = await startLoopbackReceiver();
      cleanups.push(() => receiver.close());
      return { store, webhooks: new WebhookStore(store), receiver, openAgain };
    }

    function batch(orders: ReturnType<typeof makeOrder>[], scope = 'tenant-a'): SyncBatch {
      return {
        scope,
        provider: orders[0]?.provider ?? 'alpha',
        runId: 'run-1',
        observedAt: new Date().toISOString(),
        orders,
        progress: progressOf('run-1'),
      };
    }

    async function deliveries(webhooks: WebhookStore, endpointId: string) {
      return (await webhooks.listDeliveries(endpointId, { limit: 100 })).deliveries;
    }

    it('writes one outbox row per matching change, with the change and the order', async () => {
      const { store, webhooks, receiver } = await setUp();
      const { endpoint } = await webhooks.createEndpoint(
        { scope: 'tenant-a', url: receiver.url, events: ['order.created'] },
        LOOPBACK,
      );
      await store.applyBatch(batch([makeOrder('alpha', '1'), makeOrder('alpha', '2')]));
      const changes = await store.listChanges({ scope: 'tenant-a' });
      const outbox = await deliveries(webhooks, endpoint.id);
      expect(outbox.map((delivery) => delivery.changeSeq).sort()).toEqual(
        changes.map((change) => change.seq).sort(),
      );
      const first = outbox.find((delivery) => delivery.orderKey === 'alpha:1');
      expect(first).toMatchObject({ eventType: 'order.created', status: 'pending', attempts: [] });
    });

    it('fans out changes of every write path: a refresh outside a sync run too', async () => {
      const { store, webhooks, receiver } = await setUp();
      const { endpoint } = await webhooks.createEndpoint(
        { scope: 'tenant-a', url: receiver.url, events: ['order.created', 'order.updated'] },
        LOOPBACK,
      );
      await store.applyBatch(batch([makeOrder('alpha', 'refreshed')]));
      await store.refreshOrders({
        scope: 'tenant-a',
        provider: 'alpha',
        observationId: 'webhook:alpha:test',
        observedAt: new Date().toISOString(),
        orders: [makeOrder('alpha', 'refreshed', { status: 'cancelled' })],
      });
      const events = (await deliveries(webhooks, endpoint.id)).map(
        (delivery) => `${delivery.eventType} ${delivery.orderKey}`,
      );
      expect(events).toEqual(['order.updated alpha:refreshed', 'order.created alpha:refreshed']);
    });

    it('writes nothing when the transaction of the change rolls back', async () => {
      const { store, webhooks, receiver } = await setUp();
      const { endpoint } = await webhooks.createEndpoint(
        { scope: 'tenant-a', url: receiver.url, events: ['order.created'] },
        LOOPBACK,
      );
      const failing = batch([makeOrder('alpha', '1')]);
      // The progress is read after the change rows and the outbox are written: failing there
      // rolls the whole batch back.
      failing.progress = {
        ...failing.progress,
        get counts(): never {
          throw new Error('simulated failure after the change log was written');
        },
      };
      await expect(store.applyBatch(failing)).rejects.toThrow('simulated failure');
      expect(await store.listChanges({ scope: 'tenant-a' })).toEqual([]);
      expect(await deliveries(webhooks, endpoint.id)).toEqual([]);
    });

    it('announces updates only with a status change, and honours kinds, providers and scopes', async () => {
      const { store, webhooks, receiver } = await setUp();
      const all = await webhooks.createEndpoint(
        {
          scope: 'tenant-a',
          url: receiver.url,
          events: ['order.updated', 'order.created', 'order.vanished'],
        },
        LOOPBACK,
      );
      const updatesOnly = await webhooks.createEndpoint(
        { scope: 'tenant-a', url: receiver.url, events: ['order.updated'] },
        LOOPBACK,
      );
      const betaOnly = await webhooks.createEndpoint(
        { scope: 'tenant-a', url: receiver.url, events: ['order.created'], providers: ['beta'] },
        LOOPBACK,
      );
      const otherScope = await webhooks.createEndpoint(
        { scope: 'tenant-b', url: receiver.url, events: ['order.created'] },
        LOOPBACK,
      );
      await store.applyBatch(batch([makeOrder('alpha', '1'), makeOrder('alpha', '2')]));
      // alpha:1 gets a new reference only (no status moved), alpha:2 is completed.
      await store.applyBatch(
        batch([
          makeOrder('alpha', '1', { reference: 'REF-changed' }),
          makeOrder('alpha', '2', { status: 'completed' }),
        ]),
      );
      const changes = await store.listChanges({ scope: 'tenant-a' });
      expect(changes.filter((change) => change.kind === 'updated')).toHaveLength(2);

      const allEvents = (await deliveries(webhooks, all.endpoint.id)).map(
        (delivery) => `${delivery.eventType} ${delivery.orderKey}`,
      );
      expect(allEvents.sort()).toEqual([
        'order.created alpha:1',
        'order.created alpha:2',
        'order.updated alpha:2',
      ]);
      expect(
        (await deliveries(webhooks, updatesOnly.endpoint.id)).map((delivery) => delivery.orderKey),
      ).toEqual(['alpha:2']);
      expect(await deliveries(webhooks, betaOnly.endpoint.id)).toEqual([]);
      expect(await deliveries(webhooks, otherScope.endpoint.id)).toEqual([]);

      // A vanished order is announced too.
      const vanished = await store.finishRun({
        scope: 'tenant-a',
        provider: 'alpha',
        runId: 'run-2',
        finishedAt: new Date().toISOString(),
        vanishedRange: { to: '2100-01-01T00:00:00Z' },
        watermark: null,
        fullSweep: true,
        counts: progressOf('run-2').counts,
        requests: 0,
      });
      expect(vanished).toBe(2);
      const vanishedEvents = (await deliveries(webhooks, all.endpoint.id)).filter(
        (delivery) => delivery.eventType === 'order.vanished',
      );
      expect(vanishedEvents.map((delivery) => delivery.orderKey).sort()).toEqual([
        'alpha:1',
        'alpha:2',
      ]);
    });

    it('delivers a payload the Standard Webhooks library verifies, and logs the attempt', async () => {
      const { store, webhooks, receiver } = await setUp();
      const { endpoint, secret } = await webhooks.createEndpoint(
        { scope: 'tenant-a', url: receiver.url, events: ['order.created'] },
        LOOPBACK,
      );
      expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
      await store.applyBatch(batch([makeOrder('alpha', '7')]));
      const deliverer = createWebhookDeliverer({ store, allowLoopback: true });
      expect(await deliverer.deliverDue()).toEqual({
        claimed: 1,
        delivered: 1,
        retrying: 0,
        failed: 0,
      });
      expect(receiver.received).toHaveLength(1);
      const [request] = receiver.received;
      const payload = new Webhook(secret).verify(
        request!.body,
        request!.headers as Record<string, string>,
      ) as { type: string; data: { change: { key: string; seq: number }; order: { key: string } } };
      expect(payload.type).toBe('order.created');
      expect(payload.data.order.key).toBe('alpha:7');
      const [change] = await store.listChanges({ scope: 'tenant-a' });
      expect(payload.data.change.seq).toBe(change!.seq);
      // A wrong secret does not verify.
      expect(() =>
        new Webhook(`whsec_${Buffer.from('not-the-secret-0123456789').toString('base64')}`).verify(
          request!.body,
          request!.headers as Record<string, string>,
        ),
      ).toThrow();
      const [delivery] = await deliveries(webhooks, endpoint.id);
      expect(delivery).toMatchObject({ id: request!.headers['webhook-id'], status: 'delivered' });
      expect(delivery!.attempts).toMatchObject([
        { attempt: 1, outcome: 'delivered', statusCode: 204 },
      ]);
      // Nothing left to do.
      expect((await deliverer.deliverDue()).claimed).toBe(0);
    });

    it('takes over an expired lease, never a live one, and skips disabled endpoints', async () => {
      const { store, webhooks, receiver } = await setUp();
      const { endpoint } = await webhooks.createEndpoint(
        { scope: 'tenant-a', url: receiver.url, events: ['order.created'] },
        LOOPBACK,
      );
      const paused = await webhooks.createEndpoint(
        { scope: 'tenant-a', url: receiver.url, events: ['order.created'] },
        LOOPBACK,
      );
      await store.applyBatch(batch([makeOrder('alpha', 'leased')]));
      const db = reportDatabase(store);
      await db
        .updateTable('webhook_endpoints')
        .set({ enabled: 0, disabled_reason: 'paused by the test' })
        .where('id', '=', paused.endpoint.id)
        .execute();
      const clock = { now: Date.now() + 1000 };
      // As if a deliverer had claimed it and died: its lease runs for another 5 s.
      await db
        .updateTable('webhook_deliveries')
        .set({ lease_owner: 'crashed', lease_expires_at: new Date(clock.now + 5000).toISOString() })
        .where('endpoint_id', '=', endpoint.id)
        .execute();
      const deliverer = createWebhookDeliverer({
        store,
        allowLoopback: true,
        now: () => clock.now,
      });
      expect((await deliverer.deliverDue()).claimed).toBe(0);
      clock.now += 5001;
      expect(await deliverer.deliverDue()).toMatchObject({ claimed: 1, delivered: 1 });
      expect((await deliveries(webhooks, endpoint.id))[0]!.status).toBe('delivered');
      expect((await deliveries(webhooks, paused.endpoint.id))[0]!.status).toBe('pending');
      expect(receiver.received).toHaveLength(1);
    });

    it('never lets two deliverers hold the same delivery at once', async () => {
      const { store, webhooks, receiver, openAgain } = await setUp();
      await webhooks.createEndpoint(
        { scope: 'tenant-a', url: receiver.url, events: ['order.created'] },
        LOOPBACK,
      );
      const orders = Array.from({ length: 40 }, (_, index) => makeOrder('alpha', `lease-${index}`));
      await store.applyBatch(batch(orders));
      // Two deliverers as two service replicas would run them: each with its own connections.
      const replica = await openAgain();
      cleanups.push(() => replica.close());
      const first = createWebhookDeliverer({ store, allowLoopback: true, batchSize: 7 });
      const second = createWebhookDeliverer({ store: replica, allowLoopback: true, batchSize: 7 });
      for (let round = 0; round < 20; round++) {
        const [a, b] = await Promise.all([first.deliverDue(), second.deliverDue()]);
        if (a.claimed + b.claimed === 0) break;
      }
      const ids = receiver.received.map((request) => request.headers['webhook-id']);
      expect(ids).toHaveLength(40);
      expect(new Set(ids).size).toBe(40);
    });
  });
}
