import { type Order, orderComparator } from '@orderbridge/core';
import { createMemoryProvider, type MemoryProvider, makeOrder } from '@orderbridge/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createOrderStore } from '../create-order-store.js';
import type { ChangeEntry, OrderStore } from '../order-store.js';
import { describeOnPostgres } from '../test-support/postgres-test-database.js';
import { DEFAULT_COMMIT_EVERY, type SyncEvent, syncOrders } from './sync-orders.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** A clock the test moves by hand. */
function testClock(start: string) {
  let now = Date.parse(start);
  return {
    now: () => new Date(now),
    advance(ms: number) {
      now += ms;
    },
    iso: () => new Date(now).toISOString(),
  };
}

/** `count` orders created one hour apart from 2025-01-01, each last updated when created. */
function seedOrders(provider: string, count: number): Order[] {
  return Array.from({ length: count }, (_, index) => {
    const createdAt = new Date(Date.parse('2025-01-01T00:00:00Z') + index * HOUR).toISOString();
    return makeOrder(provider, `o${String(index).padStart(4, '0')}`, {
      createdAt,
      updatedAt: createdAt,
    });
  });
}

function changeTimeProvider(orders: Order[], pageSize = 10): MemoryProvider {
  return createMemoryProvider(orders, {
    id: 'shop',
    capabilities: {
      maxPageSize: pageSize,
      defaultPageSize: pageSize,
      incrementalSync: { strategy: 'change-time', field: 'updatedAt', overlapMs: 10 * 60_000 },
    },
  });
}

async function everything(store: OrderStore): Promise<Order[]> {
  const orders: Order[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.listOrders({
      query: { sort: { field: 'id', direction: 'asc' }, limit: 100, ...(cursor ? { cursor } : {}) },
    });
    orders.push(...page.orders);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return orders;
}

async function changeLog(store: OrderStore): Promise<ChangeEntry[]> {
  const entries: ChangeEntry[] = [];
  let after = 0;
  while (true) {
    const page = await store.listChanges({ after, limit: 1000 });
    if (page.length === 0) return entries;
    entries.push(...page);
    after = page.at(-1)!.seq;
  }
}

function sortedById(orders: readonly Order[]): Order[] {
  return [...orders].sort(orderComparator({ field: 'id', direction: 'asc' }));
}

function withoutRaw({ raw: _raw, ...order }: Order): Order {
  return order;
}

describe('syncOrders', () => {
  let store: OrderStore;
  beforeEach(async () => {
    store = await createOrderStore({ url: 'sqlite::memory:' });
  });
  afterEach(async () => {
    await store.close();
  });

  it('runs a full sweep first, then walks only what changed since (change-time providers)', async () => {
    const clock = testClock('2026-01-01T00:00:00Z');
    const provider = changeTimeProvider(seedOrders('shop', 45));

    const [first] = await syncOrders({ providers: [provider], store, now: clock.now });
    expect(first).toMatchObject({ outcome: 'completed', mode: 'full', resumed: false });
    expect(first!.counts).toMatchObject({ fetched: 45, created: 45, updated: 0, unchanged: 0 });
    expect(first!.pages).toBe(5);
    expect(sortedById(await everything(store))).toEqual(sortedById(provider.snapshot()));

    clock.advance(HOUR);
    const changedAt = clock.iso();
    provider.update('o0003', { status: 'completed', paymentStatus: 'paid', updatedAt: changedAt });
    provider.update('o0040', {
      fulfillmentStatus: 'fulfilled',
      fulfillment: { total: 2, done: 2 },
      updatedAt: changedAt,
    });
    provider.insert(makeOrder('shop', 'new1', { createdAt: changedAt, updatedAt: changedAt }));
    clock.advance(HOUR);
    const callsBefore = provider.calls.length;

    const [second] = await syncOrders({ providers: [provider], store, now: clock.now });
    expect(second).toMatchObject({ outcome: 'completed', mode: 'incremental' });
    expect(second!.counts).toMatchObject({ created: 1, updated: 2, vanished: 0 });
    // Sorted by updatedAt, newest first: the three changed orders fill the first page, which
    // also reaches past the watermark, so the walk ends there.
    const walk = provider.calls.slice(callsBefore);
    expect(walk[0]?.sort).toEqual({ field: 'updatedAt', direction: 'desc' });
    expect(second!.pages).toBe(1);
    expect(sortedById(await everything(store))).toEqual(sortedById(provider.snapshot()));

    const log = await changeLog(store);
    expect(log.filter((entry) => entry.kind === 'created')).toHaveLength(46);
    const updates = log.filter((entry) => entry.kind === 'updated');
    expect(updates.map((entry) => entry.key).sort()).toEqual(['shop:o0003', 'shop:o0040']);
    const statusChange = updates.find((entry) => entry.key === 'shop:o0003')!;
    expect(statusChange.diff?.status).toEqual({ from: 'processing', to: 'completed' });
    const fulfilment = updates.find((entry) => entry.key === 'shop:o0040')!;
    expect(fulfilment.diff?.fulfillmentStatus).toEqual({ from: 'unfulfilled', to: 'fulfilled' });
    expect(fulfilment.diff?.fulfillment).toEqual({
      from: { total: 2, done: 0 },
      to: { total: 2, done: 2 },
    });
  });

  it('logs nothing when nothing changed, however often it runs', async () => {
    const clock = testClock('2026-01-01T00:00:00Z');
    const provider = changeTimeProvider(seedOrders('shop', 12));
    await syncOrders({ providers: [provider], store, now: clock.now });
    for (const mode of ['auto', 'full', 'auto'] as const) {
      clock.advance(HOUR);
      const [result] = await syncOrders({ providers: [provider], store, mode, now: clock.now });
      expect(result!.counts).toMatchObject({ created: 0, updated: 0, vanished: 0 });
    }
    expect(await changeLog(store)).toHaveLength(12);
  });

  it('re-reads a lookback window for providers without a change time, and leaves older changes to full sweeps', async () => {
    const clock = testClock('2025-01-03T00:00:00Z');
    // 48 orders over two days: the last 24 hours are inside a one-day window.
    const provider = createMemoryProvider(seedOrders('pay', 48), {
      id: 'pay',
      capabilities: {
        maxPageSize: 20,
        sorts: ['createdAt', 'id', 'total'],
        incrementalSync: { strategy: 'lookback', windowMs: DAY },
      },
    });
    await syncOrders({ providers: [provider], store, now: clock.now });
    // Neither change moves updatedAt: the provider has no change time.
    provider.update('o0040', { status: 'completed' });
    provider.update('o0002', { status: 'cancelled' });
    clock.advance(HOUR);

    const [incremental] = await syncOrders({ providers: [provider], store, now: clock.now });
    expect(incremental).toMatchObject({ mode: 'incremental', outcome: 'completed' });
    expect(incremental!.counts.updated).toBe(1);
    expect((await store.getOrder('pay:o0040'))?.order.status).toBe('completed');
    expect((await store.getOrder('pay:o0002'))?.order.status).toBe('processing');

    const [sweep] = await syncOrders({
      providers: [provider],
      store,
      mode: 'full',
      now: clock.now,
    });
    expect(sweep).toMatchObject({ mode: 'full' });
    expect(sweep!.counts.updated).toBe(1);
    expect((await store.getOrder('pay:o0002'))?.order.status).toBe('cancelled');
  });

  it('marks orders a full sweep no longer sees as vanished, never deletes them, and notices their return', async () => {
    const clock = testClock('2026-01-01T00:00:00Z');
    const provider = changeTimeProvider(seedOrders('shop', 20));
    await syncOrders({ providers: [provider], store, now: clock.now });
    const gone = provider.snapshot().find((order) => order.id === 'o0007')!;
    provider.remove('o0007');
    clock.advance(DAY);

    const [sweep] = await syncOrders({
      providers: [provider],
      store,
      mode: 'full',
      now: clock.now,
    });
    expect(sweep!.counts.vanished).toBe(1);
    const stored = await store.getOrder('shop:o0007');
    expect(stored?.vanishedAt).not.toBeNull();
    expect(await store.countOrders()).toBeGreaterThanOrEqual(19);
    expect((await changeLog(store)).filter((entry) => entry.kind === 'vanished')).toEqual([
      expect.objectContaining({ key: 'shop:o0007', provider: 'shop' }),
    ]);

    provider.insert(withoutRaw(gone));
    clock.advance(DAY);
    const [again] = await syncOrders({
      providers: [provider],
      store,
      mode: 'full',
      now: clock.now,
    });
    expect(again!.counts).toMatchObject({ vanished: 0, updated: 1 });
    expect((await store.getOrder('shop:o0007'))?.vanishedAt).toBeNull();
    const back = (await changeLog(store)).at(-1)!;
    expect(back).toMatchObject({ key: 'shop:o0007', kind: 'updated' });
    expect(back.diff?.reappeared).toBe(true);
  });

  it('resumes a failed run after its last committed page, and logs each order exactly once', async () => {
    const clock = testClock('2026-01-01T00:00:00Z');
    let failOn = 4;
    const provider = createMemoryProvider(seedOrders('shop', 50), {
      id: 'shop',
      capabilities: { maxPageSize: 10, defaultPageSize: 10 },
      beforeCall: (call) => {
        if (call.operation === 'listOrders' && call.number === failOn) {
          throw new Error('connection reset by the test');
        }
      },
    });
    const [failed] = await syncOrders({
      providers: [provider],
      store,
      now: clock.now,
      concurrency: 1,
    });
    expect(failed).toMatchObject({ outcome: 'failed' });
    expect(failed!.error?.message).toMatch(/connection reset by the test/);
    const state = await store.syncState('default', 'shop');
    expect(state?.progress?.cursor).toEqual(expect.any(String));
    expect(state?.lastError?.message).toMatch(/connection reset/);
    const storedBefore = await store.countOrders();
    expect(storedBefore).toBeGreaterThanOrEqual(20);
    expect(storedBefore).toBeLessThan(50);
    // The failed run reports what it committed before the failure.
    expect(failed!.counts).toMatchObject({ fetched: storedBefore, created: storedBefore });

    failOn = Number.POSITIVE_INFINITY;
    const callsBefore = provider.calls.length;
    const [resumed] = await syncOrders({ providers: [provider], store, now: clock.now });
    expect(resumed).toMatchObject({ outcome: 'completed', resumed: true, mode: 'full' });
    expect(provider.calls[callsBefore]?.cursor).toEqual(state?.progress?.cursor);
    expect(resumed!.counts.created).toBe(50);
    expect(sortedById(await everything(store))).toEqual(sortedById(provider.snapshot()));
    const created = (await changeLog(store)).filter((entry) => entry.kind === 'created');
    expect(new Set(created.map((entry) => entry.key)).size).toBe(50);
    expect(created).toHaveLength(50);
    expect((await store.syncState('default', 'shop'))?.progress).toBeNull();
  });

  it('stops between pages when its signal aborts, keeping the position for the next run', async () => {
    const clock = testClock('2026-01-01T00:00:00Z');
    const controller = new AbortController();
    const provider = createMemoryProvider(seedOrders('shop', 30), {
      id: 'shop',
      capabilities: { maxPageSize: 10, defaultPageSize: 10 },
      beforeCall: (call) => {
        if (call.operation === 'listOrders' && call.number === 2) controller.abort();
      },
    });
    const [result] = await syncOrders({
      providers: [provider],
      store,
      signal: controller.signal,
      now: clock.now,
    });
    expect(result!.outcome).toBe('interrupted');
    expect((await store.syncState('default', 'shop'))?.progress).not.toBeNull();
    const [next] = await syncOrders({ providers: [provider], store, now: clock.now });
    expect(next).toMatchObject({ outcome: 'completed', resumed: true });
    expect(await store.countOrders()).toBe(30);
  });

  it('syncs a provider that declares nothing by full sweeps, and keeps providers apart', async () => {
    const clock = testClock('2026-01-01T00:00:00Z');
    const plain = createMemoryProvider(seedOrders('plain', 7), { id: 'plain' });
    const shop = changeTimeProvider(seedOrders('shop', 5));
    await syncOrders({ providers: [plain, shop], store, now: clock.now });
    clock.advance(HOUR);
    const results = await syncOrders({ providers: [plain, shop], store, now: clock.now });
    expect(results.map((result) => [result.provider, result.mode])).toEqual([
      ['plain', 'full'],
      ['shop', 'incremental'],
    ]);
    expect(await store.countOrders('default', 'plain')).toBe(7);
    expect(await store.countOrders('default', 'shop')).toBe(5);
  });

  it('refuses two providers with the same id', async () => {
    const one = createMemoryProvider(seedOrders('twin', 1), { id: 'twin' });
    const two = createMemoryProvider(seedOrders('twin', 1), { id: 'twin' });
    await expect(syncOrders({ providers: [one, two], store })).rejects.toThrow(
      /lists provider id "twin" twice/,
    );
  });
});

/** The orders each committed batch of one full sync of 2,500 orders (pages of 100) held. */
async function batchSizes(store: OrderStore, commitEvery?: number): Promise<number[]> {
  const provider = changeTimeProvider(seedOrders('shop', 2500), 100);
  const fetched: number[] = [];
  await syncOrders({
    providers: [provider],
    store,
    ...(commitEvery === undefined ? {} : { commitEvery }),
    onProgress: (event: SyncEvent) => {
      if (event.type === 'batch') fetched.push(event.counts.fetched);
    },
  });
  return fetched.map((total, index) => total - (fetched[index - 1] ?? 0));
}

describe('orders per transaction', () => {
  it('defaults to 5,000 on SQLite (fewer, larger transactions), and takes commitEvery', async () => {
    const sqlite = await createOrderStore({ url: 'sqlite::memory:' });
    const explicit = await createOrderStore({ url: 'sqlite::memory:' });
    try {
      expect(DEFAULT_COMMIT_EVERY.sqlite).toBe(5000);
      expect(await batchSizes(sqlite)).toEqual([2500]);
      expect(await batchSizes(explicit, 1000)).toEqual([1000, 1000, 500]);
    } finally {
      await sqlite.close();
      await explicit.close();
    }
  });

  describeOnPostgres((database) => {
    it('defaults to 1,000 on PostgreSQL (less held in memory while the server writes)', async () => {
      const store = await createOrderStore({ url: await database().newStoreUrl() });
      try {
        expect(await batchSizes(store)).toEqual([1000, 1000, 500]);
        expect(await store.countOrders('default', 'shop')).toBe(2500);
      } finally {
        await store.close();
      }
    });
  });
});
