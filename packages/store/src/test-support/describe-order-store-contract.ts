import {
  InvalidQueryError,
  matchesQuery,
  type Order,
  type OrderQueryInput,
  orderComparator,
  parseOrderQuery,
  SORT_FIELDS,
} from '@orderbridge/core';
import { makeOrder, sampleOrders } from '@orderbridge/testkit';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ChangeEntry, OrderStore, StoreListQuery, SyncBatch } from '../order-store.js';
import { listingOrders, NO_COUNTS, progressOf } from './contract-orders.js';

/** A new, empty store for one test, and a way to open the same database again. */
export interface StoreFixture {
  store: OrderStore;
  /** Opens another store on the same database (migrations run again on open). */
  reopen(options?: { migrate?: boolean }): Promise<OrderStore>;
}

/**
 * The behavioural contract of `OrderStore`, run against every backend. `openStore` returns a
 * store on a new, empty database each time it is called.
 */
export function describeOrderStoreContract(
  name: string,
  openStore: (options?: { migrate?: boolean }) => Promise<StoreFixture>,
): void {
  describe(`OrderStore contract: ${name}`, () => {
    const opened: OrderStore[] = [];
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((store) => store.close()));
    });
    async function fresh(options?: { migrate?: boolean }): Promise<StoreFixture> {
      const fixture = await openStore(options);
      opened.push(fixture.store);
      return {
        store: fixture.store,
        reopen: async (reopenOptions) => {
          const store = await fixture.reopen(reopenOptions);
          opened.push(store);
          return store;
        },
      };
    }

    function batch(orders: Order[], overrides: Partial<SyncBatch> = {}): SyncBatch {
      const runId = overrides.runId ?? 'run-1';
      return {
        provider: orders[0]?.provider ?? 'alpha',
        runId,
        observedAt: '2026-01-01T00:00:01.000Z',
        orders,
        progress: progressOf(runId),
        ...overrides,
      };
    }

    /**
     * Applies `order` in two more runs, expecting it unchanged both times (the first one rewrites
     * the document, the second finds its hash) and the first run's creation as the only change.
     */
    async function expectUnchangedInTwoRuns(store: OrderStore, order: Order): Promise<void> {
      for (const runId of ['run-2', 'run-3']) {
        expect(await store.applyBatch(batch([order], { runId }))).toEqual({
          created: 0,
          updated: 0,
          unchanged: 1,
        });
      }
      expect(await allChanges(store)).toHaveLength(1);
    }

    async function allChanges(store: OrderStore, scope?: string): Promise<ChangeEntry[]> {
      const entries: ChangeEntry[] = [];
      let after = 0;
      for (;;) {
        const page = await store.listChanges({ scope, after, limit: 1000 });
        entries.push(...page);
        if (page.length < 1000) return entries;
        after = page.at(-1)!.seq;
      }
    }

    describe('migrations', () => {
      it('applies every migration on open, and applying again changes nothing', async () => {
        const { store, reopen } = await fresh();
        const states = await store.migrations();
        expect(states.length).toBeGreaterThan(0);
        for (const state of states) expect(state.executedAt).not.toBeNull();
        expect(await store.migrate()).toEqual([]);

        await store.applyBatch(batch([makeOrder('alpha', '1')]));
        const again = await reopen();
        expect(await again.migrations()).toEqual(states);
        expect(await again.migrate()).toEqual([]);
        expect(await again.countOrders()).toBe(1);
      });

      it('reports pending migrations when opened without migrating, and applies them on demand', async () => {
        const { store } = await fresh({ migrate: false });
        const pending = await store.migrations();
        expect(pending.length).toBeGreaterThan(0);
        for (const state of pending) expect(state.executedAt).toBeNull();
        expect(await store.migrate()).toEqual(pending.map((state) => state.name));
        for (const state of await store.migrations()) expect(state.executedAt).not.toBeNull();
      });
    });

    describe('applyBatch', () => {
      it('creates new orders, leaves equal ones unchanged, and logs each creation once', async () => {
        const { store } = await fresh();
        const orders = sampleOrders({ count: 40, provider: 'alpha' });
        expect(await store.applyBatch(batch(orders))).toEqual({
          created: 40,
          updated: 0,
          unchanged: 0,
        });
        // Exactly once: the same batch again writes no change.
        expect(await store.applyBatch(batch(orders, { runId: 'run-2' }))).toEqual({
          created: 0,
          updated: 0,
          unchanged: 40,
        });
        const changes = await allChanges(store);
        expect(changes.map((change) => [change.kind, change.key])).toEqual(
          orders.map((order) => ['created', order.key]),
        );
        expect(changes.every((change) => change.diff === null && change.runId === 'run-1')).toBe(
          true,
        );
        expect(await store.countOrders()).toBe(40);
        const stored = await store.getOrder(orders[3]!.key);
        expect(stored?.order).toEqual(orders[3]);
      });

      it('logs an update with each moved dimension, the totals, fulfilment and the fields that differ', async () => {
        const { store } = await fresh();
        const before = makeOrder('alpha', '1');
        await store.applyBatch(batch([before, makeOrder('alpha', '2')]));
        const after: Order = {
          ...before,
          status: 'completed',
          paymentStatus: 'refunded',
          fulfillmentStatus: 'fulfilled',
          providerStatus: { code: 'shipped', label: 'Shipped' },
          totals: { ...before.totals, refunded: { amountMinor: 9130, currency: 'USD' } },
          fulfillment: { total: 2, done: 2 },
          reference: 'REF-changed',
        };
        const result = await store.applyBatch(
          batch([after, makeOrder('alpha', '2')], {
            runId: 'run-2',
            observedAt: '2026-01-01T00:00:09.000Z',
          }),
        );
        expect(result).toEqual({ created: 0, updated: 1, unchanged: 1 });
        const updates = await store.listChanges({ kind: 'updated' });
        expect(updates).toHaveLength(1);
        expect(updates[0]).toMatchObject({
          key: before.key,
          provider: 'alpha',
          kind: 'updated',
          observedAt: '2026-01-01T00:00:09.000Z',
          runId: 'run-2',
        });
        expect(updates[0]!.diff).toEqual({
          status: { from: 'processing', to: 'completed' },
          paymentStatus: { from: 'paid', to: 'refunded' },
          fulfillmentStatus: { from: 'unfulfilled', to: 'fulfilled' },
          providerStatus: {
            from: { code: 'confirmed', label: 'Confirmed' },
            to: { code: 'shipped', label: 'Shipped' },
          },
          totals: { from: before.totals, to: after.totals },
          fulfillment: { from: { total: 2, done: 0 }, to: { total: 2, done: 2 } },
          fields: [
            'fulfillment',
            'fulfillmentStatus',
            'paymentStatus',
            'providerStatus',
            'reference',
            'status',
            'totals',
          ],
        });
        const stored = await store.getOrder(before.key);
        expect(stored?.order).toEqual(after);
        expect(stored?.firstSeenAt).toBe('2026-01-01T00:00:01.000Z');
        expect(stored?.lastChangedAt).toBe('2026-01-01T00:00:09.000Z');
        const untouched = await store.getOrder('alpha:2');
        expect(untouched?.lastSeenAt).toBe('2026-01-01T00:00:09.000Z');
        expect(untouched?.lastChangedAt).toBe('2026-01-01T00:00:01.000Z');
      });

      it('ignores raw: the content hash and the stored document leave it out', async () => {
        const { store } = await fresh();
        const order = makeOrder('alpha', '1');
        await store.applyBatch(batch([{ ...order, raw: { wire: 1 } }]));
        const result = await store.applyBatch(batch([{ ...order, raw: { wire: 2 } }]));
        expect(result).toEqual({ created: 0, updated: 0, unchanged: 1 });
        const stored = await store.getOrder(order.key);
        expect(stored?.order).toEqual(order);
        expect(stored?.order).not.toHaveProperty('raw');
        expect(stored?.contentHash).toMatch(/^[0-9a-f]{64}$/);
      });

      it('logs nothing when only the key order of the document differs', async () => {
        const { store } = await fresh();
        const order = makeOrder('alpha', '1');
        await store.applyBatch(batch([order]));
        const reordered = Object.fromEntries(Object.entries(order).reverse()) as Order;
        const customer = order.customer!;
        reordered.customer = {
          company: customer.company,
          name: customer.name,
          email: customer.email,
          id: customer.id,
        };
        expect(JSON.stringify(reordered)).not.toBe(JSON.stringify(order));
        await expectUnchangedInTwoRuns(store, reordered);
        const stored = await store.getOrder(order.key);
        expect(stored?.order).toEqual(order);
        expect(stored?.lastChangedAt).toBe('2026-01-01T00:00:01.000Z');
      });

      it('logs nothing when extensions only leave out members an earlier copy had as null', async () => {
        const { store } = await fresh();
        const earlier = makeOrder('alpha', '1', {
          extensions: { alpha: { note: null, tracking: 'T-1', address: { company: null } } },
        });
        await store.applyBatch(batch([earlier]));
        const later = makeOrder('alpha', '1', {
          extensions: { alpha: { tracking: 'T-1', address: {} } },
        });
        await expectUnchangedInTwoRuns(store, later);
        const stored = await store.getOrder(later.key);
        // Rewritten to the new content (no null members), so the next equal copy matches its hash.
        expect(stored?.order.extensions).toEqual(later.extensions);
        // A member that moves from a value to missing is a change.
        const cleared = makeOrder('alpha', '1', { extensions: { alpha: { address: {} } } });
        expect(await store.applyBatch(batch([cleared], { runId: 'run-4' }))).toEqual({
          created: 0,
          updated: 1,
          unchanged: 0,
        });
        expect((await allChanges(store)).at(-1)?.diff?.fields).toEqual(['extensions']);
      });

      it('keeps the last copy of a key repeated inside one batch', async () => {
        const { store } = await fresh();
        const first = makeOrder('alpha', '1', { status: 'pending' });
        const last = makeOrder('alpha', '1', { status: 'cancelled' });
        expect(await store.applyBatch(batch([first, makeOrder('alpha', '2'), last]))).toEqual({
          created: 2,
          updated: 0,
          unchanged: 0,
        });
        expect((await store.getOrder(first.key))?.order.status).toBe('cancelled');
        expect((await allChanges(store)).map((change) => change.kind)).toEqual([
          'created',
          'created',
        ]);
      });

      it('refuses an order of another provider than the batch names', async () => {
        const { store } = await fresh();
        await expect(
          store.applyBatch(batch([makeOrder('beta', '1')], { provider: 'alpha' })),
        ).rejects.toThrow(/belongs to provider "beta"/);
        expect(await store.countOrders()).toBe(0);
      });

      it('writes the run progress with the batch, its counts including the batch', async () => {
        const { store, reopen } = await fresh();
        await store.applyBatch(batch([makeOrder('alpha', '1')]));
        const progress = progressOf('run-1', {
          cursor: 'page-2',
          counts: { ...NO_COUNTS, fetched: 3, created: 1 },
          requests: 2,
          query: { status: ['processing'] },
        });
        await store.applyBatch(
          batch([makeOrder('alpha', '1'), makeOrder('alpha', '2'), makeOrder('alpha', '3')], {
            progress,
          }),
        );
        // The caller's counts come before the batch: the store adds what the batch did.
        const written = { ...progress, counts: { ...progress.counts, created: 3, unchanged: 1 } };
        expect((await store.syncState('default', 'alpha'))?.progress).toEqual(written);
        const again = await reopen();
        expect((await again.syncState('default', 'alpha'))?.progress).toEqual(written);
      });
    });

    describe('runs and sync state', () => {
      it('records a run from begin to finish: progress, failure, last run, watermark, full sweep', async () => {
        const { store } = await fresh();
        expect(await store.syncState('default', 'alpha')).toBeNull();
        const started = progressOf('run-1', {
          mode: 'incremental',
          startedAt: '2026-01-05T00:00:00.000Z',
        });
        await store.beginRun('default', 'alpha', started);
        expect((await store.syncState('default', 'alpha'))?.progress).toEqual(started);

        await store.failRun('default', 'alpha', { message: 'upstream down', code: 'unavailable' });
        const failed = await store.syncState('default', 'alpha');
        expect(failed?.progress).toEqual(started); // kept, so the next run resumes
        expect(failed?.lastError).toMatchObject({ message: 'upstream down', code: 'unavailable' });
        expect(Number.isNaN(Date.parse(failed?.lastError?.at ?? ''))).toBe(false);

        const counts = { ...NO_COUNTS, fetched: 5, created: 5 };
        expect(
          await store.finishRun({
            provider: 'alpha',
            runId: 'run-1',
            finishedAt: '2026-01-05T00:01:00.000Z',
            watermark: '2026-01-05T00:00:00.000Z',
            fullSweep: false,
            counts,
            requests: 3,
          }),
        ).toBe(0);
        const finished = await store.syncState('default', 'alpha');
        expect(finished).toEqual({
          scope: 'default',
          provider: 'alpha',
          watermark: '2026-01-05T00:00:00.000Z',
          progress: null,
          lastRun: {
            runId: 'run-1',
            mode: 'incremental',
            startedAt: '2026-01-05T00:00:00.000Z',
            finishedAt: '2026-01-05T00:01:00.000Z',
            counts,
            requests: 3,
          },
          lastFullSweepAt: null,
          lastError: null,
        });

        // A null watermark keeps the current one; a full sweep moves lastFullSweepAt.
        await store.beginRun('default', 'alpha', progressOf('run-2'));
        await store.finishRun({
          provider: 'alpha',
          runId: 'run-2',
          finishedAt: '2026-01-06T00:00:00.000Z',
          watermark: null,
          fullSweep: true,
          counts: NO_COUNTS,
          requests: 1,
        });
        const swept = await store.syncState('default', 'alpha');
        expect(swept?.watermark).toBe('2026-01-05T00:00:00.000Z');
        expect(swept?.lastFullSweepAt).toBe('2026-01-06T00:00:00.000Z');
        expect(swept?.lastRun?.mode).toBe('full');
      });

      it('marks orders a sweep did not see as vanished, once, inside the range only', async () => {
        const { store } = await fresh();
        const orders = [
          makeOrder('alpha', 'old', { createdAt: '2024-06-01T00:00:00.000Z' }),
          makeOrder('alpha', 'kept', { createdAt: '2025-01-10T00:00:00.000Z' }),
          makeOrder('alpha', 'gone', { createdAt: '2025-01-11T00:00:00.000Z' }),
          makeOrder('alpha', 'gone-too', { createdAt: '2025-01-12T00:00:00.000Z' }),
        ];
        const other = makeOrder('beta', 'elsewhere', { createdAt: '2025-01-11T00:00:00.000Z' });
        await store.applyBatch(batch(orders));
        await store.applyBatch(batch([other], { provider: 'beta' }));
        await store.applyBatch(batch([orders[1]!], { runId: 'run-2' }));
        const finish = {
          provider: 'alpha',
          runId: 'run-2',
          finishedAt: '2026-02-01T00:00:00.000Z',
          vanishedRange: { from: '2025-01-01T00:00:00Z', to: '2025-12-31T00:00:00Z' },
          watermark: null,
          fullSweep: false,
          counts: NO_COUNTS,
          requests: 1,
        };
        expect(await store.finishRun(finish)).toBe(2);
        expect((await store.syncState('default', 'alpha'))?.lastRun?.counts.vanished).toBe(2);
        const vanished = await store.listChanges({ kind: 'vanished' });
        expect(vanished.map((change) => [change.key, change.runId, change.observedAt])).toEqual([
          ['alpha:gone', 'run-2', '2026-02-01T00:00:00.000Z'],
          ['alpha:gone-too', 'run-2', '2026-02-01T00:00:00.000Z'],
        ]);
        expect((await store.getOrder('alpha:gone'))?.vanishedAt).toBe('2026-02-01T00:00:00.000Z');
        expect((await store.getOrder('alpha:old'))?.vanishedAt).toBeNull();
        expect((await store.getOrder('beta:elsewhere'))?.vanishedAt).toBeNull();
        expect(await store.countOrders('default', 'alpha')).toBe(2);

        const listed = await store.listOrders({ providers: ['alpha'], query: {} });
        expect(listed.orders.map((order) => order.id).sort()).toEqual(['kept', 'old']);
        const withVanished = await store.listOrders({
          providers: ['alpha'],
          includeVanished: true,
          query: {},
        });
        expect(withVanished.orders).toHaveLength(4);

        // Already vanished: finishing again marks nothing more and logs nothing.
        expect(await store.finishRun(finish)).toBe(0);
        expect(await store.listChanges({ kind: 'vanished' })).toHaveLength(2);
      });

      it('logs a vanished order seen again as updated, with reappeared, and lists it again', async () => {
        const { store } = await fresh();
        const order = makeOrder('alpha', 'back');
        await store.applyBatch(batch([order, makeOrder('alpha', 'stays')]));
        await store.applyBatch(batch([makeOrder('alpha', 'stays')], { runId: 'run-2' }));
        await store.finishRun({
          provider: 'alpha',
          runId: 'run-2',
          finishedAt: '2026-02-01T00:00:00.000Z',
          vanishedRange: { to: '2030-01-01T00:00:00Z' },
          watermark: null,
          fullSweep: true,
          counts: NO_COUNTS,
          requests: 1,
        });
        const result = await store.applyBatch(
          batch([order], { runId: 'run-3', observedAt: '2026-03-01T00:00:00.000Z' }),
        );
        expect(result).toEqual({ created: 0, updated: 1, unchanged: 0 });
        const [entry] = await store.listChanges({ kind: 'updated' });
        expect(entry?.diff).toEqual({ reappeared: true, fields: [] });
        const stored = await store.getOrder(order.key);
        expect(stored?.vanishedAt).toBeNull();
        expect(stored?.lastChangedAt).toBe('2026-03-01T00:00:00.000Z');
        expect(await store.countOrders()).toBe(2);
      });
    });

    describe('refreshOrders', () => {
      const observation = {
        observationId: 'webhook:1',
        observedAt: '2026-01-02T00:00:00.000Z',
      };

      it('creates, updates and leaves unchanged like a batch, logging each change exactly once', async () => {
        const { store } = await fresh();
        const kept = makeOrder('alpha', 'kept');
        const moving = makeOrder('alpha', 'moving', { status: 'processing' });
        await store.applyBatch(batch([kept, moving]));
        const moved: Order = { ...moving, status: 'completed' };
        const fresh1 = makeOrder('alpha', 'new');
        const result = await store.refreshOrders({
          scope: 'default',
          provider: 'alpha',
          orders: [kept, moved, fresh1],
          ...observation,
        });
        expect(result).toEqual({ created: 1, updated: 1, unchanged: 1 });
        // The same observation again (a webhook resent) logs nothing more.
        expect(
          await store.refreshOrders({
            provider: 'alpha',
            orders: [kept, moved, fresh1],
            ...observation,
            observationId: 'webhook:2',
          }),
        ).toEqual({ created: 0, updated: 0, unchanged: 3 });
        const changes = (await allChanges(store)).filter((change) => change.runId !== 'run-1');
        expect(changes.map((change) => [change.kind, change.key, change.runId])).toEqual([
          ['created', 'alpha:new', 'webhook:1'],
          ['updated', 'alpha:moving', 'webhook:1'],
        ]);
        expect(changes[1]?.diff?.status).toEqual({ from: 'processing', to: 'completed' });
        expect((await store.getOrder('alpha:moving'))?.order.status).toBe('completed');
        expect((await store.getOrder('alpha:kept'))?.lastSeenAt).toBe(observation.observedAt);
        expect(await store.countOrders('default', 'alpha')).toBe(3);
      });

      it("leaves a sync run's progress and its vanish check undisturbed", async () => {
        const { store } = await fresh();
        const seen = makeOrder('alpha', 'seen', { createdAt: '2025-01-10T00:00:00.000Z' });
        await store.beginRun('default', 'alpha', progressOf('run-1'));
        await store.applyBatch(batch([seen]));
        const before = await store.syncState('default', 'alpha');
        // A webhook refreshes the order the running sweep already saw.
        await store.refreshOrders({
          provider: 'alpha',
          orders: [{ ...seen, status: 'completed' }],
          ...observation,
        });
        expect(await store.syncState('default', 'alpha')).toEqual(before);
        // The sweep finishes: the refreshed order still counts as seen by it, so it is not vanished.
        expect(
          await store.finishRun({
            provider: 'alpha',
            runId: 'run-1',
            finishedAt: '2026-02-01T00:00:00.000Z',
            vanishedRange: { to: '2030-01-01T00:00:00Z' },
            watermark: null,
            fullSweep: true,
            counts: NO_COUNTS,
            requests: 1,
          }),
        ).toBe(0);
        expect((await store.getOrder(seen.key))?.vanishedAt).toBeNull();
      });

      it('writes into the scope it names, and lists a provider first seen through a refresh', async () => {
        const { store } = await fresh();
        const order = makeOrder('alpha', 'only');
        await store.refreshOrders({
          scope: 'tenant-a',
          provider: 'alpha',
          orders: [order],
          ...observation,
        });
        expect(await store.getOrder(order.key)).toBeNull();
        expect((await store.getOrder(order.key, 'tenant-a'))?.order).toEqual(order);
        const page = await store.listOrders({ scope: 'tenant-a', query: {} });
        expect(page.orders.map((listed) => listed.key)).toEqual([order.key]);
        expect((await store.syncState('tenant-a', 'alpha'))?.progress).toBeNull();
        expect(await store.listChanges({ scope: 'tenant-a' })).toHaveLength(1);
      });

      it('refuses an order of another provider than it names', async () => {
        const { store } = await fresh();
        await expect(
          store.refreshOrders({
            provider: 'beta',
            orders: [makeOrder('alpha', '1')],
            ...observation,
          }),
        ).rejects.toThrow(/refreshOrders: order alpha:1 belongs to provider "alpha", not "beta"/);
      });
    });

    it('keeps scopes apart: orders, counts, changes and sync state', async () => {
      const { store } = await fresh();
      const inA = makeOrder('alpha', '1', { status: 'pending' });
      const inB = makeOrder('alpha', '1', { status: 'completed' });
      await store.applyBatch(batch([inA], { scope: 'tenant-a' }));
      await store.applyBatch(batch([inB, makeOrder('alpha', '2')], { scope: 'tenant-b' }));
      expect((await store.getOrder(inA.key, 'tenant-a'))?.order.status).toBe('pending');
      expect((await store.getOrder(inA.key, 'tenant-b'))?.order.status).toBe('completed');
      expect(await store.getOrder(inA.key)).toBeNull();
      expect(await store.countOrders('tenant-a')).toBe(1);
      expect(await store.countOrders('tenant-b')).toBe(2);
      expect(await allChanges(store, 'tenant-a')).toHaveLength(1);
      expect(await allChanges(store, 'tenant-b')).toHaveLength(2);
      expect(await allChanges(store)).toHaveLength(0);
      const listedA = await store.listOrders({ scope: 'tenant-a', query: {} });
      expect(listedA.orders).toEqual([inA]);
      expect((await store.syncStates('tenant-a')).map((state) => state.scope)).toEqual([
        'tenant-a',
      ]);
      expect((await store.syncStates()).map((state) => state.scope)).toEqual([
        'tenant-a',
        'tenant-b',
      ]);
      // A vanish in one scope leaves the other alone.
      await store.finishRun({
        scope: 'tenant-a',
        provider: 'alpha',
        runId: 'run-x',
        finishedAt: '2026-02-01T00:00:00.000Z',
        vanishedRange: { to: '2030-01-01T00:00:00Z' },
        watermark: null,
        fullSweep: true,
        counts: NO_COUNTS,
        requests: 0,
      });
      expect(await store.countOrders('tenant-a')).toBe(0);
      expect(await store.countOrders('tenant-b')).toBe(2);
    });

    describe('listOrders', () => {
      let store: OrderStore;
      const { alpha, beta } = listingOrders();
      const everyOrder = [...alpha, ...beta];
      beforeAll(async () => {
        const fixture = await openStore();
        store = fixture.store;
        await store.applyBatch(batch(alpha.slice(0, 50)));
        await store.applyBatch(batch(alpha.slice(50)));
        await store.applyBatch(batch(beta, { provider: 'beta' }));
        return () => store.close();
      });

      /** Every page of a listing, checking that no key repeats. */
      async function walk(listing: StoreListQuery): Promise<Order[]> {
        const orders: Order[] = [];
        let cursor: string | undefined;
        for (let pages = 0; pages < 500; pages++) {
          const page = await store.listOrders({
            ...listing,
            query: { ...listing.query, ...(cursor ? { cursor } : {}) },
          });
          expect(page.orders.length).toBeLessThanOrEqual(listing.query.limit ?? 50);
          orders.push(...page.orders);
          if (page.nextCursor === null) return orders;
          expect(page.orders.length).toBe(listing.query.limit ?? 50);
          cursor = page.nextCursor;
        }
        throw new Error('the listing did not end');
      }

      function expected(input: OrderQueryInput, providers?: string[]): string[] {
        const query = parseOrderQuery(input);
        return everyOrder
          .filter((order) => providers === undefined || providers.includes(order.provider))
          .filter((order) => matchesQuery(order, query))
          .sort(orderComparator(query))
          .map((order) => order.key);
      }

      const filters: OrderQueryInput[] = [
        {},
        { status: ['processing', 'completed'] },
        { status: ['unknown'] },
        { paymentStatus: ['paid'] },
        { paymentStatus: ['pending', 'refunded'], fulfillmentStatus: ['unfulfilled'] },
        { fulfillmentStatus: ['partially_fulfilled', 'returned'] },
        { createdFrom: '2025-01-03T00:00:00Z', createdTo: '2025-01-20T00:00:00Z' },
        { createdFrom: '2025-02-01T10:00:00.123Z', createdTo: '2025-02-01T10:00:00.123000001Z' },
        { customerId: 'cus_03' },
        { merchantId: 'mer_beta', status: ['completed'] },
        { currency: 'EUR' },
        { search: 'LENA' },
        { search: 'gamma leasing' },
        { search: '%_' },
        { search: '_00' },
      ];

      for (const field of SORT_FIELDS) {
        for (const direction of ['asc', 'desc'] as const) {
          it(`sorts by ${field} ${direction} exactly as core's comparator, page by page`, async () => {
            // A total sort names the one currency it ranks (core refuses it otherwise).
            const query: OrderQueryInput = {
              sort: { field, direction },
              limit: 17,
              ...(field === 'total' ? { currency: 'USD' } : {}),
            };
            const listed = await walk({ query });
            expect(listed.map((order) => order.key)).toEqual(expected(query));
            expect(new Set(listed.map((order) => order.key)).size).toBe(expected(query).length);
            if (field !== 'total') expect(listed.length).toBe(everyOrder.length);
          });
        }
      }

      for (const filter of filters) {
        it(`filters ${JSON.stringify(filter)} as core's matcher does, under several sorts`, async () => {
          for (const sort of [
            undefined,
            { field: 'updatedAt', direction: 'asc' },
            { field: 'total', direction: 'desc' },
          ] as const) {
            const query: OrderQueryInput = {
              ...filter,
              limit: 9,
              ...(sort ? { sort } : {}),
              ...(sort?.field === 'total' && !filter.currency ? { currency: 'USD' } : {}),
            };
            const keys = (await walk({ query })).map((order) => order.key);
            expect(keys, JSON.stringify(query)).toEqual(expected(query));
          }
        });
      }

      it('reads only the providers asked for', async () => {
        const query: OrderQueryInput = { sort: { field: 'id', direction: 'asc' }, limit: 25 };
        const keys = (await walk({ providers: ['beta'], query })).map((order) => order.key);
        expect(keys).toEqual(expected(query, ['beta']));
        expect(keys.length).toBe(beta.length);
        expect(await store.listOrders({ providers: ['nobody'], query: {} })).toEqual({
          orders: [],
          nextCursor: null,
        });
      });

      it('refuses a malformed cursor and a cursor of another query', async () => {
        const first = await store.listOrders({ query: { limit: 5 } });
        expect(first.nextCursor).not.toBeNull();
        for (const cursor of ['not-a-cursor', Buffer.from('{"v":1}').toString('base64url')]) {
          await expect(store.listOrders({ query: { cursor } })).rejects.toSatisfy(
            (error: unknown) =>
              InvalidQueryError.isInstance(error) && error.issues[0]?.field === 'cursor',
          );
        }
        await expect(
          store.listOrders({ query: { status: ['failed'], cursor: first.nextCursor! } }),
        ).rejects.toSatisfy(InvalidQueryError.isInstance);
        await expect(
          store.listOrders({ providers: ['alpha'], query: { cursor: first.nextCursor! } }),
        ).rejects.toSatisfy(InvalidQueryError.isInstance);
      });

      it('refuses an invalid query with the core error', async () => {
        await expect(store.listOrders({ query: { limit: 0 } as never })).rejects.toSatisfy(
          InvalidQueryError.isInstance,
        );
        // Amounts in different currencies have no order without exchange rates.
        await expect(
          store.listOrders({ query: { sort: { field: 'total', direction: 'desc' } } }),
        ).rejects.toSatisfy(
          (error: unknown) =>
            InvalidQueryError.isInstance(error) && error.issues[0]?.field === 'currency',
        );
      });
    });

    describe('listChanges', () => {
      it('pages by seq and filters by provider and kind', async () => {
        const { store } = await fresh();
        await store.applyBatch(batch(sampleOrders({ count: 12, provider: 'alpha' })));
        await store.applyBatch(
          batch(sampleOrders({ count: 8, provider: 'beta' }), { provider: 'beta' }),
        );
        const changed = sampleOrders({ count: 12, provider: 'alpha' })
          .slice(0, 3)
          .map((order) => ({ ...order, reference: `${order.reference}-2` }));
        await store.applyBatch(batch(changed, { runId: 'run-2' }));

        const all = await store.listChanges({});
        expect(all).toHaveLength(23);
        const seqs = all.map((entry) => entry.seq);
        expect(seqs).toEqual([...seqs].sort((left, right) => left - right));
        expect(new Set(seqs).size).toBe(seqs.length);

        const paged: ChangeEntry[] = [];
        let after = 0;
        for (;;) {
          const page = await store.listChanges({ after, limit: 5 });
          paged.push(...page);
          if (page.length === 0) break;
          expect(page.length).toBeLessThanOrEqual(5);
          after = page.at(-1)!.seq;
        }
        expect(paged).toEqual(all);

        const beta = await store.listChanges({ provider: 'beta' });
        expect(beta.map((entry) => entry.key)).toEqual(
          all.filter((entry) => entry.provider === 'beta').map((entry) => entry.key),
        );
        const updated = await store.listChanges({ provider: ['alpha', 'beta'], kind: ['updated'] });
        expect(updated.map((entry) => entry.key)).toEqual(changed.map((order) => order.key));
        expect(updated[0]?.diff?.fields).toEqual(['reference']);
        expect(await store.listChanges({ kind: [] })).toEqual([]);
        expect(await store.listChanges({ after: seqs.at(-1)! })).toEqual([]);
      });

      it('refuses a limit outside 1 to 1000, a negative position and an unknown kind', async () => {
        const { store } = await fresh();
        for (const query of [
          { limit: 0 },
          { limit: 1001 },
          { limit: 2.5 },
          { after: -1 },
          { kind: 'deleted' as never },
        ]) {
          await expect(store.listChanges(query), JSON.stringify(query)).rejects.toSatisfy(
            InvalidQueryError.isInstance,
          );
        }
      });
    });

    it('returns null for an order it does not hold', async () => {
      const { store } = await fresh();
      expect(await store.getOrder('alpha:missing')).toBeNull();
      expect(await store.countOrders('default', 'alpha')).toBe(0);
      expect(await store.listOrders({ query: {} })).toEqual({ orders: [], nextCursor: null });
    });
  });
}
