/**
 * Sandbox → `orderbridge sync` → the service process: every listing answered from the store
 * (`source=store`) holds exactly the orders the providers answer live for the same filter, in the
 * requested order, and the change feed holds one `created` entry per stored order.
 */
import { type Order, type OrderQuery, orderComparator } from '@orderbridge/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ReportEnvironment, startReportEnvironment } from './support/report-environment.js';

let environment: ReportEnvironment;

beforeAll(async () => {
  environment = await startReportEnvironment({ seed: 23, orders: 150 });
});
afterAll(() => environment?.stop());

async function get(path: string): Promise<Response> {
  return fetch(`${environment.service.url}${path}`, {
    headers: { authorization: `Bearer ${environment.apiKey}` },
  });
}

/** Every page of a listing, following the `Link` header; the responses' source headers too. */
async function walk(path: string): Promise<{ orders: Order[]; sources: string[] }> {
  const orders: Order[] = [];
  const sources: string[] = [];
  let next: string | null = path;
  while (next !== null) {
    const response = await get(next);
    const body = (await response.json()) as { orders: Order[] };
    expect(response.status, JSON.stringify(body)).toBe(200);
    sources.push(response.headers.get('orderbridge-source') ?? '');
    orders.push(...body.orders);
    next = /^<([^>]+)>/.exec(response.headers.get('link') ?? '')?.[1] ?? null;
  }
  return { orders, sources };
}

describe('GET /v1/orders?source=store against live answers', () => {
  it.each<[string, string, OrderQuery['sort']]>([
    ['status=processing', 'createdAt:desc', { field: 'createdAt', direction: 'desc' }],
    ['paymentStatus=paid', 'updatedAt:desc', { field: 'updatedAt', direction: 'desc' }],
    ['currency=USD', 'total:desc', { field: 'total', direction: 'desc' }],
    ['fulfillmentStatus=unfulfilled', 'id:asc', { field: 'id', direction: 'asc' }],
    [
      'createdFrom=2020-01-01&createdTo=2100-01-01',
      'status:asc',
      { field: 'status', direction: 'asc' },
    ],
  ])('%s sorted by %s: the same orders, in order', async (filter, sortText, sort) => {
    // Live: every matching order (newest first, which both providers can do), sorted here.
    const live = await walk(`/v1/orders?source=live&${filter}&limit=200`);
    expect(new Set(live.sources)).toEqual(new Set(['live']));
    const expected = [...live.orders].sort(orderComparator(sort!));
    expect(expected.length).toBeGreaterThan(0);
    const stored = await walk(`/v1/orders?source=store&${filter}&sort=${sortText}&limit=37`);
    expect(new Set(stored.sources)).toEqual(new Set(['store']));
    expect(stored.orders.map((order) => order.key)).toEqual(expected.map((order) => order.key));
    expect(stored.orders).toEqual(expected);
  });

  it('says how fresh the store is, per provider', async () => {
    const response = await get('/v1/orders?source=store&limit=1');
    const body = (await response.json()) as {
      freshness: Array<{ provider: string; lastSyncedAt: string | null }>;
    };
    expect(body.freshness.map((entry) => entry.provider)).toEqual(['flexfactor', 'flexportal']);
    for (const entry of body.freshness) {
      expect(Date.parse(entry.lastSyncedAt ?? '')).not.toBeNaN();
    }
    expect(response.headers.get('orderbridge-synced-at')).toBe(
      body.freshness.map((entry) => entry.lastSyncedAt as string).sort()[0],
    );
  });

  it('pages the change feed: one created entry per stored order, seq ascending', async () => {
    const seen: Array<{ seq: number; key: string; kind: string }> = [];
    let after = 0;
    for (;;) {
      const response = await get(`/v1/changes?after=${after}&limit=97`);
      const page = (await response.json()) as {
        changes: Array<{ seq: number; key: string; kind: string }>;
        nextAfter: number;
      };
      expect(response.status).toBe(200);
      if (page.changes.length === 0) break;
      seen.push(...page.changes);
      after = page.nextAfter;
    }
    const all = await walk('/v1/orders?source=store&limit=1000');
    expect(seen.map((entry) => entry.kind)).toEqual(all.orders.map(() => 'created'));
    expect(new Set(seen.map((entry) => entry.key))).toEqual(
      new Set(all.orders.map((order) => order.key)),
    );
    const seqs = seen.map((entry) => entry.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
  });
});
