import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Money, Order } from '@orderbridge/core';
import {
  createOrderStore,
  fulfillmentReport,
  merchantsReport,
  type OrderStore,
  RECONCILE_VERDICTS,
  revenueReport,
} from '@orderbridge/store';
import { makeOrder } from '@orderbridge/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem } from '../test-support/expect-problem.js';
import { createTestApp, KEYS } from '../test-support/test-app.js';

const AS_OF = '2025-03-11T00:00:00.000Z';
const money = (amountMinor: number, currency: string): Money => ({ amountMinor, currency });
const payment = (id: string, createdAt: string, total: Money, refunded: Money | null): Order =>
  makeOrder('alpha', id, {
    createdAt,
    status: 'completed',
    paymentStatus: 'paid',
    fulfillmentStatus: null,
    fulfillment: null,
    totals: { subtotal: null, tax: null, total, refunded },
  });

const folder = mkdtempSync(join(tmpdir(), 'orderbridge-service-reports-'));
let store: OrderStore;

async function load(scope: string, orders: Order[]) {
  await store.applyBatch({
    scope,
    provider: 'alpha',
    runId: `run-${scope}`,
    observedAt: '2025-03-10T00:00:00.000Z',
    orders,
    progress: {
      runId: `run-${scope}`,
      mode: 'full',
      startedAt: '2025-03-10T00:00:00.000Z',
      cursor: null,
      query: {},
      counts: { fetched: 0, created: 0, updated: 0, unchanged: 0, vanished: 0, rejected: 0 },
      requests: 0,
    },
  });
}

beforeAll(async () => {
  store = await createOrderStore({ url: `sqlite:${join(folder, 'store.db')}` });
  await load('acme', [
    payment('a1', '2025-03-03T10:00:00Z', money(4565, 'USD'), money(565, 'USD')),
    payment('a2', '2025-03-04T10:00:00Z', money(1500, 'JPY'), null),
    makeOrder('alpha', 'a3', {
      createdAt: '2025-03-01T00:00:00Z',
      paymentStatus: 'requires_capture',
      fulfillmentStatus: 'partially_fulfilled',
      fulfillment: { total: 2, done: 1 },
    }),
  ]);
  await load('globex', [payment('g1', '2025-03-03T10:00:00Z', money(99_999, 'USD'), null)]);
});
afterAll(async () => {
  await store?.close();
  rmSync(folder, { recursive: true, force: true });
});

describe('/v1/reports', () => {
  const testApp = () => createTestApp({ store, now: () => Date.parse(AS_OF) });

  it("answers each report over the tenant's own scope, as the library computes it", async () => {
    const { get } = testApp();
    const revenue = await get('/v1/reports/revenue?by=week');
    expect(revenue.status).toBe(200);
    const expected = await revenueReport(store, { by: 'week', scope: 'acme' });
    expect(await revenue.json()).toEqual(expected);
    // Hand-computed: acme's USD week is 45.65 captured, 5.65 refunded; globex's order is not there.
    expect(
      expected.rows.find((row) => row.currency === 'USD' && row.period === '2025-03-03'),
    ).toMatchObject({
      amountMinor: 4565,
      netMinor: 4000,
    });
    expect(JSON.stringify(expected)).not.toContain('99999');

    const globex = (await (await get('/v1/reports/revenue', KEYS.globex)).json()) as {
      rows: Array<{ amountMinor: number }>;
    };
    expect(globex.rows.map((row) => row.amountMinor)).toEqual([99_999]);

    const fulfillment = await get(`/v1/reports/fulfillment?asOf=${AS_OF}&limit=10`);
    expect(await fulfillment.json()).toEqual(
      await fulfillmentReport(store, { scope: 'acme', asOf: AS_OF, limit: 10 }),
    );
    // asOf defaults to the service clock.
    const merchants = await get('/v1/reports/merchants?stuckAfterDays=5&provider=alpha');
    const merchantsBody = (await merchants.json()) as {
      anomalies: Array<{ kind: string; key: string }>;
    };
    expect(merchantsBody).toEqual(
      await merchantsReport(store, {
        scope: 'acme',
        asOf: AS_OF,
        stuckAfterDays: 5,
        provider: ['alpha'],
      }),
    );
    expect(merchantsBody.anomalies.map((anomaly) => [anomaly.kind, anomaly.key])).toEqual([
      ['stuck_awaiting_capture', 'alpha:a3'],
    ]);
  });

  it('reconciles a CSV ledger: differences are a 200 with a summary, a malformed line a 400', async () => {
    const { app } = testApp();
    const post = (body: string, query = '') =>
      app.request(`/v1/reports/reconcile${query}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${KEYS.acme}`, 'content-type': 'text/csv' },
        body,
      });
    const response = await post(
      'reference,amount,currency\nalpha:a1,45.65,USD\na2,1501,JPY\n',
      '?from=2025-03-02',
    );
    expect(response.status).toBe(200);
    const report = (await response.json()) as {
      summary: Record<string, number>;
      differences: number;
    };
    expect(report.summary).toMatchObject({ matched: 1, amount_mismatch: 1, missing_in_ledger: 0 });
    expect(report.differences).toBe(1);

    const malformed = await expectProblem(
      await post('reference,amount,currency\nalpha:a1,45.655,USD\n'),
      400,
      'invalid-query',
    );
    expect(malformed.detail).toMatch(/Ledger line 2: amount/);
  });

  it('rejects bad parameters naming them, and needs a key', async () => {
    const { get } = testApp();
    const period = await expectProblem(
      await get('/v1/reports/revenue?by=year'),
      400,
      'invalid-query',
    );
    expect(JSON.stringify(period.errors)).toContain('"field":"by"');
    const unknown = await expectProblem(
      await get('/v1/reports/revenue?currency=USD'),
      400,
      'invalid-query',
    );
    expect(JSON.stringify(unknown.errors)).toContain('"field":"currency"');
    const from = await expectProblem(
      await get('/v1/reports/revenue?from=yesterday'),
      400,
      'invalid-query',
    );
    expect(JSON.stringify(from.errors)).toContain('"field":"from"');
    await expectProblem(await get('/v1/reports/revenue', null), 401, 'unauthorized');
  });

  it('says when no store is configured', async () => {
    const { get } = createTestApp();
    const body = await expectProblem(await get('/v1/reports/revenue'), 500, 'configuration-error');
    expect(body.detail).toContain('ORDERBRIDGE_DATABASE_URL');
  });

  it('documents every report in the OpenAPI document', async () => {
    const { app } = testApp();
    const document = (await (await app.request('/openapi.json')).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    expect(
      Object.keys(document.paths)
        .filter((path) => path.startsWith('/v1/reports/'))
        .sort(),
    ).toEqual([
      '/v1/reports/fulfillment',
      '/v1/reports/merchants',
      '/v1/reports/reconcile',
      '/v1/reports/revenue',
    ]);
    expect(Object.keys(document.paths['/v1/reports/reconcile'] ?? {})).toEqual(['post']);
    // The documented verdicts are the store's (the schema lists them without loading the store).
    const schemas = (
      document as unknown as {
        components: {
          schemas: Record<string, { properties: Record<string, { properties?: object }> }>;
        };
      }
    ).components.schemas;
    expect(Object.keys(schemas.ReconcileReport?.properties.summary?.properties ?? {})).toEqual([
      ...RECONCILE_VERDICTS,
    ]);
  });
});
