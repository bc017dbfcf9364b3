import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createOrderStore, type OrderStore } from '@orderbridge/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashApiKey } from '../auth/api-key.js';
import { expectProblem } from '../test-support/expect-problem.js';
import { finishStoreRun, storeOrders } from '../test-support/store-fixture.js';
import { createTestApp, KEYS } from '../test-support/test-app.js';
import { createTestProvider, makeOrders } from '../test-support/test-provider.js';

const folder = mkdtempSync(join(tmpdir(), 'orderbridge-service-store-orders-'));
let store: OrderStore;
const SYNCED_ALPHA = '2025-03-10T01:00:00.000Z';
const SYNCED_BETA = '2025-03-10T02:00:00.000Z';

beforeAll(async () => {
  store = await createOrderStore({ url: `sqlite:${join(folder, 'store.db')}` });
  await storeOrders(store, 'acme', 'alpha', makeOrders('alpha', 23));
  await storeOrders(store, 'acme', 'beta', makeOrders('beta', 17));
  // A provider acme does not have, written into acme's scope: never served to acme.
  await storeOrders(store, 'acme', 'gamma', makeOrders('gamma', 5));
  await storeOrders(store, 'globex', 'alpha', makeOrders('alpha', 40).slice(30));
  await finishStoreRun(store, 'acme', 'alpha', SYNCED_ALPHA);
  await finishStoreRun(store, 'acme', 'beta', SYNCED_BETA);
});
afterAll(async () => {
  await store?.close();
  rmSync(folder, { recursive: true, force: true });
});

type Page = {
  orders: Array<Record<string, unknown>>;
  nextCursor: string | null;
  source: string;
  freshness?: Array<{ provider: string; lastSyncedAt: string | null }>;
};

describe('GET /v1/orders?source=store', () => {
  it("reads the tenant's scope and providers only, filtered and sorted in SQL, with freshness", async () => {
    const { get } = createTestApp({ store });
    const response = await get('/v1/orders?source=store&status=completed&sort=id:asc&limit=100');
    expect(response.status).toBe(200);
    expect(response.headers.get('orderbridge-source')).toBe('store');
    // The oldest of the two providers' last syncs: every order is at least this fresh.
    expect(response.headers.get('orderbridge-synced-at')).toBe(SYNCED_ALPHA);
    const body = (await response.json()) as Page;
    expect(body.source).toBe('store');
    expect(body.freshness).toEqual([
      { provider: 'alpha', lastSyncedAt: SYNCED_ALPHA, lastError: null },
      { provider: 'beta', lastSyncedAt: SYNCED_BETA, lastError: null },
    ]);
    const expected = [...makeOrders('alpha', 23), ...makeOrders('beta', 17)]
      .filter((order) => order.status === 'completed')
      .map((order) => order.id)
      .sort();
    expect(body.orders.map((order) => order.id)).toEqual(expected);
    expect(body.orders.every((order) => order.provider !== 'gamma')).toBe(true);
  });

  it('pages with signed cursors through the Link header without gaps or repeats', async () => {
    const { get } = createTestApp({ store });
    const seen: string[] = [];
    let path: string | null = '/v1/orders?source=store&sort=createdAt:desc&limit=7';
    while (path !== null) {
      const response = await get(path);
      expect(response.status).toBe(200);
      const body = (await response.json()) as Page;
      seen.push(...body.orders.map((order) => String(order.key)));
      const link = response.headers.get('link');
      path = link === null ? null : (/^<([^>]+)>/.exec(link)?.[1] ?? null);
      if (path === null) expect(body.nextCursor).toBeNull();
    }
    expect(seen).toHaveLength(40);
    expect(new Set(seen).size).toBe(40);
  });

  it('refuses an altered cursor, a cursor of another tenant and a cursor of another query', async () => {
    const { get } = createTestApp({ store });
    const first = (await (await get('/v1/orders?source=store&limit=5')).json()) as Page;
    const cursor = first.nextCursor as string;
    const altered = `${cursor.slice(0, -2)}${cursor.endsWith('AA') ? 'BB' : 'AA'}`;
    await expectProblem(
      await get(`/v1/orders?source=store&limit=5&cursor=${altered}`),
      400,
      'invalid-cursor',
    );
    await expectProblem(
      await get(`/v1/orders?source=store&limit=5&cursor=${cursor}`, KEYS.globex),
      400,
      'invalid-cursor',
    );
    await expectProblem(
      await get(`/v1/orders?source=store&limit=5&status=pending&cursor=${cursor}`),
      400,
      'invalid-cursor',
    );
  });

  it("refuses a live listing's cursor, and a live listing refuses a store cursor", async () => {
    const { get } = createTestApp({ store });
    const live = (await (await get('/v1/orders?limit=5')).json()) as Page;
    await expectProblem(
      await get(`/v1/orders?source=store&limit=5&cursor=${live.nextCursor}`),
      400,
      'invalid-cursor',
    );
    const stored = (await (await get('/v1/orders?source=store&limit=5')).json()) as Page;
    await expectProblem(
      await get(`/v1/orders?limit=5&cursor=${stored.nextCursor}`),
      400,
      'invalid-cursor',
    );
  });

  it('masks customer emails for a tenant with redaction on, as live answers do', async () => {
    const { get } = createTestApp({
      store,
      tenants: [
        {
          id: 'acme',
          apiKeys: [{ id: 'acme-ci', sha256: hashApiKey(KEYS.acme) }],
          providers: [createTestProvider('alpha', [])],
          redact: true,
        },
      ],
    });
    const body = (await (
      await get('/v1/orders?source=store&fields=customer&limit=2')
    ).json()) as Page;
    expect(body.orders).toHaveLength(2);
    for (const order of body.orders) {
      expect((order.customer as { email: string }).email).toMatch(/^b\*\*\*@example\.com$/);
    }
    const one = (await (await get('/v1/orders/alpha:al_0002?source=store')).json()) as {
      customer: { email: string };
    };
    expect(one.customer.email).toBe('b***@example.com');
  });

  it('projects fields, restricts to asked providers and refuses providers the tenant lacks', async () => {
    const { get } = createTestApp({ store });
    const body = (await (
      await get('/v1/orders?source=store&provider=beta&fields=status&limit=3')
    ).json()) as Page;
    expect(body.orders).toHaveLength(3);
    for (const order of body.orders) {
      expect(Object.keys(order).sort()).toEqual(['key', 'status']);
      expect(String(order.key)).toMatch(/^beta:/);
    }
    const problem = await expectProblem(
      await get('/v1/orders?source=store&provider=gamma'),
      400,
      'invalid-query',
    );
    expect(problem.errors).toEqual([
      { field: 'provider', message: expect.stringContaining('gamma') },
    ]);
  });

  it('refuses includeRaw, a bad source and a total sort without currency', async () => {
    const { get } = createTestApp({ store });
    const raw = await expectProblem(
      await get('/v1/orders?source=store&includeRaw=true'),
      400,
      'invalid-query',
    );
    expect(raw.errors).toEqual([{ field: 'includeRaw', message: expect.any(String) }]);
    const source = await expectProblem(await get('/v1/orders?source=disk'), 400, 'invalid-query');
    expect(JSON.stringify(source.errors)).toContain('source');
    await expectProblem(await get('/v1/orders?source=store&sort=total:asc'), 400, 'invalid-query');
  });

  it('is 503 store-not-configured without a store, and live answers say so', async () => {
    const { get } = createTestApp();
    const problem = await expectProblem(
      await get('/v1/orders?source=store'),
      503,
      'store-not-configured',
    );
    expect(problem.detail).toContain('ORDERBRIDGE_DATABASE_URL');
    await expectProblem(
      await get('/v1/orders/alpha:al_0001?source=store'),
      503,
      'store-not-configured',
    );
    const live = await get('/v1/orders?limit=1');
    expect(live.headers.get('orderbridge-source')).toBe('live');
    expect(((await live.json()) as Page).source).toBe('live');
  });

  it("follows the tenant's default source, then the service's", async () => {
    const tenant = (source?: 'live' | 'store') => ({
      id: 'acme',
      apiKeys: [{ id: 'acme-ci', sha256: hashApiKey(KEYS.acme) }],
      providers: [createTestProvider('alpha', makeOrders('alpha', 2))],
      ...(source !== undefined ? { source } : {}),
    });
    const byTenant = createTestApp({ store, tenants: [tenant('store')] });
    const stored = (await (await byTenant.get('/v1/orders?limit=100')).json()) as Page;
    expect(stored.source).toBe('store');
    // The store holds 23 alpha orders of acme; the live provider has 2.
    expect(stored.orders).toHaveLength(23);
    const asked = (await (await byTenant.get('/v1/orders?source=live&limit=100')).json()) as Page;
    expect(asked.orders).toHaveLength(2);
    const byService = createTestApp({ store, tenants: [tenant()], defaultSource: 'store' });
    expect(((await (await byService.get('/v1/orders')).json()) as Page).source).toBe('store');
    const overridden = createTestApp({ store, tenants: [tenant('live')], defaultSource: 'store' });
    expect(((await (await overridden.get('/v1/orders')).json()) as Page).source).toBe('live');
  });
});

describe('GET /v1/orders/{key}?source=store', () => {
  it('returns the stored order with its freshness', async () => {
    const { get } = createTestApp({ store });
    const response = await get('/v1/orders/beta:be_0003?source=store&fields=status');
    expect(response.status).toBe(200);
    expect(response.headers.get('orderbridge-source')).toBe('store');
    expect(response.headers.get('orderbridge-synced-at')).toBe(SYNCED_BETA);
    expect(await response.json()).toEqual({ key: 'beta:be_0003', status: 'completed' });
  });

  it('is 404 saying the store has not seen an order, and 404 for what is not the tenant’s', async () => {
    const { get } = createTestApp({ store });
    const unseen = await expectProblem(
      await get('/v1/orders/alpha:al_9999?source=store'),
      404,
      'not-found',
    );
    expect(unseen.detail).toContain('has not seen');
    expect(unseen.detail).toContain(SYNCED_ALPHA);
    // In acme's scope, but of a provider acme does not have.
    await expectProblem(await get('/v1/orders/gamma:ga_0001?source=store'), 404, 'not-found');
    // acme's order, asked with globex's key: globex's scope does not hold it.
    await expectProblem(
      await get('/v1/orders/alpha:al_0001?source=store', KEYS.globex),
      404,
      'not-found',
    );
  });
});
