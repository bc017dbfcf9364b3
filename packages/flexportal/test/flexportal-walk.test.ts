// A 10,000-order listing walked page by page over real HTTP while orders are being inserted:
// FlexPortal's cursor (`startAfter`) must deliver every original order exactly once, with no gap.

import {
  compareTimestamps,
  type Order,
  type OrderQueryInput,
  parseOrderQuery,
} from '@orderbridge/core';
import { type Sandbox, startSandbox } from '@orderbridge/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { groundTruth, listRequests, sandboxProvider } from './sandbox-support.js';

const ORDER_COUNT = 10_000;
const PAGE_SIZE = 100;

let sandbox: Sandbox;
let truth: Order[];

beforeAll(async () => {
  sandbox = await startSandbox({ seed: 5, orders: { flexportal: ORDER_COUNT, flexfactor: 0 } });
  truth = groundTruth(sandbox);
});
afterAll(() => sandbox.close());

/**
 * Walks a listing; before each next page, `between` may change the backend. Returns every order
 * delivered, in delivery order, and the number of pages.
 */
async function walk(
  input: OrderQueryInput,
  between: (delivered: readonly Order[], page: number) => void,
): Promise<{ orders: Order[]; pages: number }> {
  const provider = sandboxProvider(sandbox);
  const orders: Order[] = [];
  let cursor: string | undefined;
  let pages = 0;
  for (;;) {
    const page = await provider.listOrders(parseOrderQuery({ ...input, cursor }));
    pages += 1;
    orders.push(...page.orders);
    if (page.nextCursor === null) break;
    cursor = page.nextCursor;
    between(orders, pages);
  }
  return { orders, pages };
}

function expectEachOnce(delivered: readonly Order[], expected: readonly Order[]): void {
  const seen = new Map<string, number>();
  for (const order of delivered) seen.set(order.id, (seen.get(order.id) ?? 0) + 1);
  const duplicates = [...seen.entries()].filter(([, count]) => count > 1).map(([id]) => id);
  expect(duplicates).toEqual([]);
  const missing = expected.filter((order) => !seen.has(order.id)).map((order) => order.id);
  expect(missing).toEqual([]);
}

describe(`a ${ORDER_COUNT.toLocaleString('en-US')}-order walk`, () => {
  it('has the ground truth it expects', () => {
    expect(truth).toHaveLength(ORDER_COUNT);
  });

  it('newest first, with orders inserted between pages: every original exactly once, no gap', async () => {
    const newestFirst = [...truth].sort((left, right) =>
      compareTimestamps(right.createdAt, left.createdAt),
    );
    const insertedAhead: string[] = [];
    const { orders, pages } = await walk({ limit: PAGE_SIZE }, (delivered, page) => {
      const store = sandbox.flexportal.store;
      // New orders (created now) land before the walk's position: never seen, never shifting pages.
      store.insert({ orderId: `ord_walk_new_${page}` });
      // A back-dated order ahead of the position must still be delivered (no gap for live data).
      const ahead = newestFirst[delivered.length + 250];
      if (ahead) {
        store.insert({ orderId: `ord_walk_ahead_${page}`, createdAt: ahead.createdAt });
        insertedAhead.push(`ord_walk_ahead_${page}`);
      }
      // A back-dated order behind the position is simply not seen; it must not shift anything.
      const behind = newestFirst[Math.max(0, delivered.length - 50)];
      if (behind) store.insert({ orderId: `ord_walk_behind_${page}`, createdAt: behind.createdAt });
    });
    expect(pages).toBeGreaterThanOrEqual(ORDER_COUNT / PAGE_SIZE);
    expectEachOnce(orders, truth);
    expect(insertedAhead.every((id) => orders.some((order) => order.id === id))).toBe(true);
    expect(orders.some((order) => order.id.startsWith('ord_walk_new_'))).toBe(false);
    for (let index = 1; index < orders.length; index++) {
      expect(
        compareTimestamps(orders[index - 1]!.createdAt, orders[index]!.createdAt),
      ).toBeGreaterThanOrEqual(0);
    }
  });

  it('by total ascending, while the order the cursor points at is deleted: every order once', async () => {
    const store = sandbox.flexportal.store;
    // A total sort ranks one currency: the one the first order is in.
    const currency = groundTruth(sandbox)[0]!.totals.total.currency;
    const before = groundTruth(sandbox).filter((order) => order.totals.total.currency === currency);
    const deleted = new Set<string>();
    const { orders } = await walk(
      { limit: PAGE_SIZE, currency, sort: { field: 'total', direction: 'asc' } },
      (delivered, page) => {
        store.insert({ orderId: `ord_total_${page}` });
        // The cursor may well be the last order id (FP-OV's example cursor looks like one):
        // deleting that order must not derail the walk.
        // (A page may hold no new order of the currency: then there is nothing new to delete.)
        const last = delivered.at(-1);
        if (last && !deleted.has(last.id)) {
          deleted.add(last.id);
          expect(store.delete(last.id)).toBe(true);
        }
      },
    );
    expectEachOnce(orders, before);
  });

  it('createdFrom on the newest-first walk stops early: a tenth of the requests', async () => {
    const newestFirst = groundTruth(sandbox).sort((left, right) =>
      compareTimestamps(right.createdAt, left.createdAt),
    );
    const createdFrom = newestFirst[999]!.createdAt;
    const before = listRequests(sandbox);
    const { orders } = await walk({ limit: PAGE_SIZE, createdFrom }, () => undefined);
    const requests = listRequests(sandbox) - before;
    const expected = newestFirst.filter(
      (order) => compareTimestamps(order.createdAt, createdFrom) >= 0,
    );
    expectEachOnce(orders, expected);
    expect(orders).toHaveLength(expected.length);
    expect(requests).toBeLessThanOrEqual(Math.ceil(expected.length / PAGE_SIZE) + 1);
    expect(requests).toBeLessThan(newestFirst.length / PAGE_SIZE);
  });
});
