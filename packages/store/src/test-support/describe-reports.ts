import { InvalidQueryError, type Order } from '@orderbridge/core';
import { makeOrder } from '@orderbridge/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrderStore } from '../order-store.js';
import { fulfillmentReport } from '../reports/fulfillment-report.js';
import { parseLedgerCsv } from '../reports/ledger-csv.js';
import { merchantsReport } from '../reports/merchants-report.js';
import { reconcileReport } from '../reports/reconcile-report.js';
import { reportDatabase } from '../reports/report-query.js';
import { type RevenueRow, revenueReport } from '../reports/revenue-report.js';
import { MEASURES } from '../rows/report-measures.js';
import { ROLLUP_TABLES, type RollupTable, rollupFromOrders } from '../rows/report-rollups.js';
import { progressOf } from './contract-orders.js';
import {
  finishPaymentSweep,
  loadReportFixtures,
  PAYMENT_ORDERS,
  REPORT_AS_OF,
  SUBSCRIPTION_ORDERS,
  VANISHED_ORDER,
} from './report-fixtures.js';

/** Rows of a roll-up table, as plain numbers and text, in a stable order. */
function sortedRollupRows(rows: ReadonlyArray<Record<string, unknown>>): Record<string, unknown>[] {
  return rows
    .map((row) =>
      Object.fromEntries(
        Object.entries(row).map(([column, value]) => [
          column,
          typeof value === 'string' && !(MEASURES as readonly string[]).includes(column)
            ? value
            : Number(value),
        ]),
      ),
    )
    .sort((left, right) => (JSON.stringify(left) < JSON.stringify(right) ? -1 : 1));
}

/**
 * What the store's writes kept in a roll-up table (groups whose orders all left, which stay at
 * 0, are checked to be all 0 and left out) next to the same table computed from scratch.
 */
async function rollupsOf(store: OrderStore, table: RollupTable) {
  const db = reportDatabase(store);
  const kept = (await db.selectFrom(table).selectAll().execute()) as Array<Record<string, unknown>>;
  const emptied = kept.filter((row) => Number(row.orders) === 0);
  for (const row of emptied) {
    for (const measure of MEASURES) expect(Number(row[measure]), measure).toBe(0);
  }
  return {
    kept: sortedRollupRows(kept.filter((row) => Number(row.orders) !== 0)),
    fromScratch: sortedRollupRows(await rollupFromOrders(db, table).execute()),
  };
}

/** A revenue row with every measure not named zero (the hand-computed rows name what is not). */
function revenueRow(
  row: Partial<RevenueRow> & Pick<RevenueRow, 'period' | 'provider' | 'currency' | 'byStatus'>,
): RevenueRow {
  return {
    orders: 0,
    amountMinor: 0,
    capturedOrders: 0,
    capturedMinor: 0,
    refundedOrders: 0,
    refundedMinor: 0,
    netMinor: 0,
    awaitingCaptureOrders: 0,
    awaitingCaptureMinor: 0,
    cancelledOrFailedOrders: 0,
    refundsInOtherCurrency: 0,
    ...row,
  };
}

/**
 * Every report on the hand-computed fixtures of `report-fixtures.ts`, against one backend.
 * `openStore` returns a store on a new, empty database.
 */
export function describeReports(name: string, openStore: () => Promise<OrderStore>): void {
  describe(`reports: ${name}`, () => {
    let store: OrderStore;
    beforeAll(async () => {
      store = await openStore();
      await loadReportFixtures(store);
    });
    afterAll(() => store?.close());

    describe('roll-ups', () => {
      it('stay equal to the sums of the stored orders through changes, vanishing, reappearing and refreshes', async () => {
        const fresh = await openStore();
        const expectConsistent = async (step: string) => {
          for (const table of ROLLUP_TABLES) {
            const { kept, fromScratch } = await rollupsOf(fresh, table);
            expect(kept, `${table} after ${step}`).toEqual(fromScratch);
          }
        };
        try {
          await loadReportFixtures(fresh);
          await expectConsistent('the fixtures');
          const byId = new Map(PAYMENT_ORDERS.map((order) => [order.id, order]));
          const payment = (id: string) => byId.get(id) as Order;
          const observedAt = '2025-03-12T00:00:00.000Z';
          // A run that sees four orders changed in every way a roll-up key or measure can
          // change, one new order and the vanished one back, then vanishes every other order.
          const changed: Order[] = [
            {
              ...payment('f1'),
              status: 'returned',
              paymentStatus: 'refunded',
              totals: {
                ...payment('f1').totals,
                refunded: { ...payment('f1').totals.total },
              },
            },
            // Another day and month, another currency, a refund in yet another currency.
            {
              ...payment('f5'),
              createdAt: '2025-04-30T23:59:59Z',
              totals: {
                subtotal: null,
                tax: null,
                total: { amountMinor: 4100, currency: 'GBP' },
                refunded: { amountMinor: 10, currency: 'EUR' },
              },
            },
            {
              ...payment('f6'),
              merchant: {
                ...(payment('f6').merchant as NonNullable<Order['merchant']>),
                name: 'Beta Bikes Ltd',
              },
            },
            { ...payment('f7'), paymentStatus: 'disputed', status: 'completed' },
            makeOrder('flexfactor', 'f20', {
              createdAt: '2025-03-31T23:00:00Z',
              totals: {
                subtotal: null,
                tax: null,
                total: { amountMinor: 1, currency: 'USD' },
                refunded: null,
              },
              merchant: null,
            }),
            VANISHED_ORDER,
          ];
          await fresh.applyBatch({
            provider: 'flexfactor',
            runId: 'run-5',
            observedAt,
            orders: changed,
            progress: progressOf('run-5'),
          });
          await expectConsistent('a batch of changes');
          const vanished = await finishPaymentSweep(fresh, 'run-5', observedAt);
          expect(vanished).toBe(PAYMENT_ORDERS.length - 4);
          await expectConsistent('vanishing');
          // Two vanished orders seen again, one of them changed; a webhook's refresh of a subscription.
          await fresh.applyBatch({
            provider: 'flexfactor',
            runId: 'run-6',
            observedAt,
            orders: [payment('f8'), { ...payment('f2'), status: 'cancelled', paymentStatus: null }],
            progress: progressOf('run-6'),
          });
          const subscription = SUBSCRIPTION_ORDERS[0] as Order;
          await fresh.refreshOrders({
            provider: 'flexportal',
            observationId: 'webhook-1',
            observedAt,
            orders: [{ ...subscription, status: 'cancelled', paymentStatus: null }],
          });
          await expectConsistent('reappearing and a refresh');
          const revenue = await revenueReport(fresh, { by: 'month', provider: 'flexfactor' });
          expect(revenue.rows.map((row) => [row.period, row.currency, row.orders])).toEqual([
            ['2025-03', 'JPY', 1],
            ['2025-03', 'KWD', 2],
            ['2025-03', 'USD', 4],
            ['2025-04', 'GBP', 1],
          ]);
        } finally {
          await fresh.close();
        }
      });
    });

    describe('revenue', () => {
      it('groups by UTC day, provider and currency, leaving the vanished order out', async () => {
        const report = await revenueReport(store, { by: 'day' });
        expect(report.by).toBe('day');
        // Freshness: when each provider's orders were last seen; a completed run only for flexfactor.
        expect(report.freshness).toEqual([
          {
            provider: 'flexfactor',
            lastSyncAt: '2025-03-10T23:00:00.000Z',
            lastSeenAt: '2025-03-10T23:00:00.000Z',
          },
          { provider: 'flexportal', lastSyncAt: null, lastSeenAt: '2025-03-10T23:00:00.000Z' },
        ]);
        expect(report.rows).toEqual([
          revenueRow({
            period: '2025-03-01',
            provider: 'flexportal',
            currency: 'EUR',
            byStatus: { pending: 1 },
            orders: 1,
            amountMinor: 10163,
          }),
          // f1 paid with a zero refund, f2 fully refunded (its last microsecond of the day).
          revenueRow({
            period: '2025-03-03',
            provider: 'flexfactor',
            currency: 'USD',
            byStatus: { completed: 1, returned: 1 },
            orders: 2,
            amountMinor: 5765,
            capturedOrders: 2,
            capturedMinor: 5765,
            refundedOrders: 1,
            refundedMinor: 1200,
            netMinor: 4565,
          }),
          revenueRow({
            period: '2025-03-03',
            provider: 'flexportal',
            currency: 'EUR',
            byStatus: { completed: 1, processing: 1 },
            orders: 2,
            amountMinor: 12000,
            capturedOrders: 2,
            capturedMinor: 12000,
            netMinor: 12000,
          }),
          // f3 partly refunded, f4 awaiting capture.
          revenueRow({
            period: '2025-03-04',
            provider: 'flexfactor',
            currency: 'USD',
            byStatus: { completed: 1, processing: 1 },
            orders: 2,
            amountMinor: 13000,
            capturedOrders: 1,
            capturedMinor: 10000,
            refundedOrders: 1,
            refundedMinor: 2500,
            netMinor: 7500,
            awaitingCaptureOrders: 1,
            awaitingCaptureMinor: 3000,
          }),
          revenueRow({
            period: '2025-03-04',
            provider: 'flexportal',
            currency: 'EUR',
            byStatus: { cancelled: 1 },
            orders: 1,
            amountMinor: 2000,
            cancelledOrFailedOrders: 1,
          }),
          // JPY has no minor unit: 1500 + 800 yen. f11's refund is in USD: counted apart, not added.
          revenueRow({
            period: '2025-03-05',
            provider: 'flexfactor',
            currency: 'JPY',
            byStatus: { completed: 2 },
            orders: 2,
            amountMinor: 2300,
            capturedOrders: 2,
            capturedMinor: 2300,
            refundedOrders: 1,
            refundedMinor: 500,
            netMinor: 1800,
            refundsInOtherCurrency: 1,
          }),
          revenueRow({
            period: '2025-03-05',
            provider: 'flexportal',
            currency: 'EUR',
            byStatus: { unknown: 1 },
            orders: 1,
            amountMinor: 3333,
            capturedOrders: 1,
            capturedMinor: 3333,
            netMinor: 3333,
          }),
          // Unknown status and no payment status: counted, not captured.
          revenueRow({
            period: '2025-03-09',
            provider: 'flexfactor',
            currency: 'JPY',
            byStatus: { unknown: 1 },
            orders: 1,
            amountMinor: 2000,
          }),
          // KWD has three decimals: 1.375 + 2.500 = 3.875.
          revenueRow({
            period: '2025-03-10',
            provider: 'flexfactor',
            currency: 'KWD',
            byStatus: { failed: 1, on_hold: 1 },
            orders: 2,
            amountMinor: 3875,
            cancelledOrFailedOrders: 1,
          }),
          // Refund above the amount: net is negative, exactly.
          revenueRow({
            period: '2025-04-01',
            provider: 'flexfactor',
            currency: 'USD',
            byStatus: { completed: 1 },
            orders: 1,
            amountMinor: 700,
            capturedOrders: 1,
            capturedMinor: 700,
            refundedOrders: 1,
            refundedMinor: 900,
            netMinor: -200,
          }),
        ]);
      });

      it('groups by ISO week (Monday) and by month', async () => {
        const weeks = await revenueReport(store, { by: 'week' });
        expect(
          weeks.rows.map((row) => [
            row.period,
            row.provider,
            row.currency,
            row.orders,
            row.amountMinor,
            row.netMinor,
          ]),
        ).toEqual([
          ['2025-02-24', 'flexportal', 'EUR', 1, 10163, 0],
          ['2025-03-03', 'flexfactor', 'JPY', 3, 4300, 1800],
          ['2025-03-03', 'flexfactor', 'USD', 4, 18765, 12065],
          ['2025-03-03', 'flexportal', 'EUR', 4, 17333, 15333],
          ['2025-03-10', 'flexfactor', 'KWD', 2, 3875, 0],
          ['2025-03-31', 'flexfactor', 'USD', 1, 700, -200],
        ]);
        const months = await revenueReport(store, { by: 'month' });
        expect(
          months.rows.map((row) => [
            row.period,
            row.provider,
            row.currency,
            row.orders,
            row.amountMinor,
            row.capturedMinor,
            row.refundedMinor,
          ]),
        ).toEqual([
          ['2025-03', 'flexfactor', 'JPY', 3, 4300, 2300, 500],
          ['2025-03', 'flexfactor', 'KWD', 2, 3875, 0, 0],
          ['2025-03', 'flexfactor', 'USD', 4, 18765, 15765, 3700],
          ['2025-03', 'flexportal', 'EUR', 5, 27496, 15333, 0],
          ['2025-04', 'flexfactor', 'USD', 1, 700, 700, 900],
        ]);
      });

      it('takes a window [from, to) and a provider, and a scope', async () => {
        const window = await revenueReport(store, {
          from: '2025-03-03',
          to: '2025-03-05',
          provider: 'flexfactor',
        });
        expect(window.rows.map((row) => [row.period, row.orders])).toEqual([
          ['2025-03-03', 2],
          ['2025-03-04', 2],
        ]);
        const exact = await revenueReport(store, {
          from: '2025-03-03T23:59:59.999999Z',
          to: '2025-03-04T00:00:00.000001Z',
        });
        expect(exact.rows.map((row) => [row.period, row.provider, row.orders])).toEqual([
          ['2025-03-03', 'flexfactor', 1],
          ['2025-03-04', 'flexfactor', 1],
          ['2025-03-04', 'flexportal', 1],
        ]);
        const other = await revenueReport(store, { scope: 'tenant-b', by: 'month' });
        expect(
          other.rows.map((row) => [row.period, row.currency, row.orders, row.amountMinor]),
        ).toEqual([['2025-03', 'USD', 1, 123]]);
      });

      it('rejects a bad option, naming it', async () => {
        await expect(revenueReport(store, { by: 'year' as 'day' })).rejects.toThrow(/option by/);
        await expect(revenueReport(store, { from: '03/01/2025' })).rejects.toThrow(
          InvalidQueryError,
        );
        await expect(
          revenueReport(store, { from: '2025-03-05', to: '2025-03-01' }),
        ).rejects.toThrow(/after to/);
      });
    });

    describe('fulfillment', () => {
      it('lists the queue oldest first with units and ages, and counts by status and age', async () => {
        const report = await fulfillmentReport(store, { asOf: REPORT_AS_OF });
        expect(report.total).toBe(3);
        expect(
          report.queue.map((row) => [
            row.key,
            row.status,
            row.fulfillmentStatus,
            row.unitsDone,
            row.unitsTotal,
            row.ageDays,
            row.createdAt,
          ]),
        ).toEqual([
          ['flexportal:p1', 'pending', 'unfulfilled', 0, 2, 10, '2025-03-01T00:00:00.000Z'],
          [
            'flexportal:p2',
            'processing',
            'partially_fulfilled',
            1,
            3,
            7,
            '2025-03-03T12:00:00.000Z',
          ],
          ['flexportal:p5', 'unknown', 'unfulfilled', 0, 1, 6, '2025-03-05T00:00:00.000Z'],
        ]);
        expect(report.byStatus).toEqual([
          { status: 'pending', fulfillmentStatus: 'unfulfilled', orders: 1 },
          { status: 'processing', fulfillmentStatus: 'partially_fulfilled', orders: 1 },
          { status: 'unknown', fulfillmentStatus: 'unfulfilled', orders: 1 },
        ]);
        expect(report.byAge).toEqual([
          { bucket: '0-1d', orders: 0 },
          { bucket: '1-3d', orders: 0 },
          { bucket: '3-7d', orders: 1 },
          { bucket: '7-14d', orders: 2 },
          { bucket: '14-30d', orders: 0 },
          { bucket: '30d+', orders: 0 },
        ]);
      });

      it('limits the rows but not the counts', async () => {
        const report = await fulfillmentReport(store, { asOf: REPORT_AS_OF, limit: 1 });
        expect(report.queue.map((row) => row.key)).toEqual(['flexportal:p1']);
        expect(report.total).toBe(3);
      });
    });

    it('counts a chargeback (disputed) and a partial refund (partially_refunded) as captured', async () => {
      const order = (id: string, paymentStatus: Order['paymentStatus'], refunded: number) =>
        makeOrder('flexfactor', id, {
          createdAt: '2025-05-05T10:00:00Z',
          status: 'completed',
          paymentStatus,
          fulfillmentStatus: null,
          fulfillment: null,
          totals: {
            subtotal: null,
            tax: null,
            total: { amountMinor: 2000, currency: 'GBP' },
            refunded: { amountMinor: refunded, currency: 'GBP' },
          },
        });
      await store.applyBatch({
        scope: 'disputes',
        provider: 'flexfactor',
        runId: 'run-disputes',
        observedAt: '2025-05-06T00:00:00.000Z',
        orders: [order('d1', 'disputed', 0), order('d2', 'partially_refunded', 500)],
        progress: progressOf('run-disputes'),
      });
      const revenue = await revenueReport(store, { scope: 'disputes' });
      expect(revenue.rows).toMatchObject([
        {
          period: '2025-05-05',
          orders: 2,
          capturedOrders: 2,
          capturedMinor: 4000,
          refundedMinor: 500,
          netMinor: 3500,
        },
      ]);
      const merchants = await merchantsReport(store, { scope: 'disputes', asOf: REPORT_AS_OF });
      expect(merchants.rows).toMatchObject([
        {
          merchantId: 'mer_1',
          currency: 'GBP',
          chargebackOrders: 1,
          chargebackMinor: 2000,
          netMinor: 3500,
        },
      ]);
    });

    describe('merchants', () => {
      it('sums per merchant and currency, with statuses and anomalies', async () => {
        const report = await merchantsReport(store, { asOf: REPORT_AS_OF, stuckAfterDays: 5 });
        expect(report.rows).toEqual([
          {
            provider: 'flexfactor',
            merchantId: 'm1',
            merchantName: 'Alpha Rentals',
            currency: 'USD',
            orders: 5,
            amountMinor: 19465,
            byStatus: { completed: 3, processing: 1, returned: 1 },
            capturedMinor: 16465,
            refundedMinor: 4600,
            netMinor: 11865,
            awaitingCaptureOrders: 1,
            awaitingCaptureMinor: 3000,
            problemOrders: 0,
            problemMinor: 0,
            chargebackOrders: 0,
            chargebackMinor: 0,
            anomalies: 2,
          },
          {
            provider: 'flexfactor',
            merchantId: 'm2',
            merchantName: 'Beta Bikes',
            currency: 'JPY',
            orders: 3,
            amountMinor: 4300,
            byStatus: { completed: 2, unknown: 1 },
            capturedMinor: 2300,
            refundedMinor: 500,
            netMinor: 1800,
            awaitingCaptureOrders: 0,
            awaitingCaptureMinor: 0,
            problemOrders: 0,
            problemMinor: 0,
            chargebackOrders: 0,
            chargebackMinor: 0,
            anomalies: 2,
          },
          {
            provider: 'flexfactor',
            merchantId: 'm2',
            merchantName: 'Beta Bikes',
            currency: 'KWD',
            orders: 2,
            amountMinor: 3875,
            byStatus: { failed: 1, on_hold: 1 },
            capturedMinor: 0,
            refundedMinor: 0,
            netMinor: 0,
            awaitingCaptureOrders: 0,
            awaitingCaptureMinor: 0,
            problemOrders: 2,
            problemMinor: 3875,
            chargebackOrders: 0,
            chargebackMinor: 0,
            anomalies: 0,
          },
          {
            provider: 'flexportal',
            merchantId: null,
            merchantName: null,
            currency: 'EUR',
            orders: 5,
            amountMinor: 27496,
            byStatus: { cancelled: 1, completed: 1, pending: 1, processing: 1, unknown: 1 },
            capturedMinor: 15333,
            refundedMinor: 0,
            netMinor: 15333,
            awaitingCaptureOrders: 0,
            awaitingCaptureMinor: 0,
            problemOrders: 0,
            problemMinor: 0,
            chargebackOrders: 0,
            chargebackMinor: 0,
            anomalies: 1,
          },
        ]);
        expect(report.anomalies.map((anomaly) => [anomaly.kind, anomaly.key])).toEqual([
          ['stuck_awaiting_capture', 'flexfactor:f4'],
          ['unknown_status', 'flexportal:p5'],
          ['refund_in_other_currency', 'flexfactor:f11'],
          ['unknown_status', 'flexfactor:f6'],
          ['refund_exceeds_amount', 'flexfactor:f9'],
        ]);
      });

      it('gives the same sums from the all-time roll-up, the monthly one and parts of months', async () => {
        // Every fixture order is created from 2025-03-01 to 2025-04-01T00:00Z.
        const options = { asOf: REPORT_AS_OF, stuckAfterDays: 5 };
        const allTime = await merchantsReport(store, options);
        // Whole months: report_merchant_months.
        const months = await merchantsReport(store, {
          ...options,
          from: '2025-03-01',
          to: '2025-05-01',
        });
        // Half of February and of April from the orders, March from the monthly roll-up.
        const parts = await merchantsReport(store, {
          ...options,
          from: '2025-02-15',
          to: '2025-04-15T12:00:00Z',
        });
        // Only parts of months, from the orders.
        const edges = await merchantsReport(store, {
          ...options,
          from: '2025-02-28T23:00:00Z',
          to: '2025-04-01T00:00:00.001Z',
        });
        expect(allTime.rows.length).toBeGreaterThan(2);
        for (const report of [months, parts, edges]) {
          expect(report.rows).toEqual(allTime.rows);
          expect(report.anomalies).toEqual(allTime.anomalies);
        }
        // And a window that leaves orders out does leave them out.
        const march = await merchantsReport(store, {
          ...options,
          from: '2025-03-01',
          to: '2025-04-01',
        });
        expect(march.rows.reduce((sum, row) => sum + row.orders, 0)).toBe(
          allTime.rows.reduce((sum, row) => sum + row.orders, 0) - 1,
        );
      });

      it('measures "stuck" from asOf', async () => {
        // Default 7 days before 2025-03-11 is 2025-03-04T00:00Z: f4 (08:00 that day) is not stuck.
        const report = await merchantsReport(store, { asOf: REPORT_AS_OF });
        expect(report.anomalies.map((anomaly) => anomaly.kind)).not.toContain(
          'stuck_awaiting_capture',
        );
        expect(report.stuckAfterDays).toBe(7);
      });
    });

    describe('reconcile', () => {
      const ledgerCsv = [
        'Reference,Amount,Currency,Status',
        'REF-f1,45.65,USD,completed',
        'flexfactor:f3,100.00,usd,',
        'f5,1500,JPY,paid',
        'REF-f7,1.375,KWD,failed',
        'REF-f8,2.5,KWD,completed',
        'REF-f2,12.01,USD,',
        'REF-f9,7.00,EUR,',
        'REF-nope,1.00,USD,',
        'REF-f1,45.65,USD,',
        'REF-f4,30.00,USD,CAPTUREREQUIRED',
      ].join('\n');

      it('gives each ledger line and each unmatched order a verdict', async () => {
        const report = await reconcileReport(store, {
          ledger: parseLedgerCsv(ledgerCsv),
          provider: 'flexfactor',
          from: '2025-03-01',
          to: '2025-04-01',
        });
        expect(report.rows.map((row) => [row.line, row.verdict, row.orderKey])).toEqual([
          [2, 'matched', 'flexfactor:f1'],
          [3, 'matched', 'flexfactor:f3'],
          [4, 'matched', 'flexfactor:f5'],
          [5, 'matched', 'flexfactor:f7'],
          [6, 'status_mismatch', 'flexfactor:f8'],
          [7, 'amount_mismatch', 'flexfactor:f2'],
          [8, 'currency_mismatch', 'flexfactor:f9'],
          [9, 'missing_in_provider', null],
          [10, 'duplicate_in_ledger', 'flexfactor:f1'],
          // FlexFactor's status name, in any case.
          [11, 'matched', 'flexfactor:f4'],
          [null, 'missing_in_ledger', 'flexfactor:f11'],
          [null, 'missing_in_ledger', 'flexfactor:f6'],
        ]);
        expect(report.rows[5]?.detail).toBe(
          'ledger 1201, order 1200 (minor units of USD; difference 1)',
        );
        expect(report.summary).toEqual({
          matched: 5,
          amount_mismatch: 1,
          currency_mismatch: 1,
          status_mismatch: 1,
          missing_in_provider: 1,
          missing_in_ledger: 2,
          duplicate_in_ledger: 1,
          ambiguous_reference: 0,
        });
        expect(report.differences).toBe(7);
      });

      it('calls a reference two orders share ambiguous', async () => {
        const report = await reconcileReport(store, {
          ledger: parseLedgerCsv('reference,amount,currency\nSHARED,8,JPY\n'),
        });
        expect(report.rows[0]).toMatchObject({
          verdict: 'ambiguous_reference',
          detail: '2 orders match: flexfactor:f11, flexportal:p3',
        });
        expect(report.summary.missing_in_ledger).toBe(15);
        expect(report.differences).toBe(16);
      });

      it('reports no difference when the ledger is the store', async () => {
        const lines = ['reference,amount,currency', 'REF-f7,1.375,KWD', 'REF-f8,2.500,KWD'];
        const report = await reconcileReport(store, {
          ledger: parseLedgerCsv(lines.join('\r\n')),
          provider: 'flexfactor',
          from: '2025-03-10',
          to: '2025-03-11',
        });
        expect(report.summary.matched).toBe(2);
        expect(report.differences).toBe(0);
      });
    });
  });
}
