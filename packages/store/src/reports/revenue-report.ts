import { sql } from 'kysely';
import { z } from 'zod';
import type { OrderStore } from '../order-store.js';
import { type ProviderFreshness, reportFreshness } from './report-freshness.js';
import { reportWindowSchema } from './report-options.js';
import {
  CAPTURED_PAYMENT_STATUSES,
  compareText,
  countRows,
  exactSum,
  isOneOf,
  oneWhen,
  parseReportOptions,
  type ReportWindow,
  refundInTotalCurrency,
  reportDatabase,
  resolveWindow,
  settleAmountRows,
  totalWhen,
  windowConditions,
} from './report-query.js';

/** The periods the revenue report groups by (UTC; weeks start on Monday, ISO 8601). */
export const REVENUE_PERIODS = ['day', 'week', 'month'] as const;
/** A period of the revenue report. */
export type RevenuePeriod = (typeof REVENUE_PERIODS)[number];

/** Options of `revenueReport`. */
export interface RevenueReportOptions extends ReportWindow {
  /** Group by the UTC day, ISO week (its Monday) or month of `createdAt` (default `day`). */
  by?: RevenuePeriod | undefined;
}

/** One row of the revenue report: one period, provider and currency (docs/reports.md). */
export interface RevenueRow {
  /** `2025-01-31` (day), `2025-01-27` (week: its Monday), `2025-01` (month). */
  period: string;
  provider: string;
  /** ISO 4217 code of `totals.total`: amounts of two currencies are never added. */
  currency: string;
  /** Orders created in the period. */
  orders: number;
  /** Those orders by lifecycle `status` (only statuses that occur). */
  byStatus: Record<string, number>;
  /** Sum of their `totals.total.amountMinor`. */
  amountMinor: number;
  /** Orders whose payment was taken (`paymentStatus` paid, refunded, partially_refunded, disputed). */
  capturedOrders: number;
  /** Sum of the totals of the captured orders. */
  capturedMinor: number;
  /** Orders with a refund above zero in the total's currency. */
  refundedOrders: number;
  /** Sum of `totals.refunded.amountMinor` in the total's currency. */
  refundedMinor: number;
  /** `capturedMinor − refundedMinor`. */
  netMinor: number;
  /** Orders whose payment awaits capture (`paymentStatus` requires_capture) and their sum. */
  awaitingCaptureOrders: number;
  awaitingCaptureMinor: number;
  /** Orders cancelled or failed (`status`), counted in `orders` and `amountMinor`. */
  cancelledOrFailedOrders: number;
  /** Orders whose refund is in another currency than their total: not in `refundedMinor`. */
  refundsInOtherCurrency: number;
}

/** The revenue report. */
export interface RevenueReport {
  by: RevenuePeriod;
  rows: RevenueRow[];
  /** How current the stored orders are, per provider (see `reportFreshness`). */
  freshness: ProviderFreshness[];
}

const optionsSchema = reportWindowSchema.extend({
  by: z.enum(REVENUE_PERIODS).optional(),
});

/**
 * Orders, amounts, captured, refunded and net per period of creation, provider and currency,
 * computed in one SQL aggregate over the store (exact integers in minor units). Periods with no
 * order have no row. Rows are sorted by period, provider, currency.
 * @throws InvalidQueryError for a bad option (naming it).
 */
export async function revenueReport(
  store: OrderStore,
  options: RevenueReportOptions = {},
): Promise<RevenueReport> {
  const parsed = parseReportOptions(optionsSchema, options);
  const by = parsed.by ?? 'day';
  const window = resolveWindow(parsed);
  const db = reportDatabase(store);
  const period =
    by === 'week'
      ? sql<string>`${sql.ref('created_week')}`
      : sql<string>`substr(${sql.ref('created_at')}, 1, ${sql.lit(by === 'day' ? 10 : 7)})`;
  const captured = isOneOf('payment_status', CAPTURED_PAYMENT_STATUSES);
  const awaiting = isOneOf('payment_status', ['requires_capture']);
  const refund = refundInTotalCurrency();
  const rows = await db
    .selectFrom('orders')
    .where((eb) => eb.and(windowConditions(window)))
    .select([
      period.as('period'),
      'provider',
      'currency',
      countRows().as('orders'),
      exactSum(sql`${sql.ref('total_minor')}`).as('amountMinor'),
      exactSum(oneWhen(captured)).as('capturedOrders'),
      exactSum(totalWhen(captured)).as('capturedMinor'),
      exactSum(oneWhen(sql`${refund} > 0`)).as('refundedOrders'),
      exactSum(refund).as('refundedMinor'),
      exactSum(oneWhen(awaiting)).as('awaitingCaptureOrders'),
      exactSum(totalWhen(awaiting)).as('awaitingCaptureMinor'),
      exactSum(oneWhen(isOneOf('status', ['cancelled', 'failed']))).as('cancelledOrFailedOrders'),
      exactSum(
        oneWhen(
          sql`${sql.ref('refunded_currency')} is not null and ${sql.ref('refunded_currency')} <> ${sql.ref('currency')}`,
        ),
      ).as('refundsInOtherCurrency'),
    ])
    .select('status')
    // Grouped by status too (folded below), for `byStatus`: one scan gives both.
    .groupBy([period, 'provider', 'currency', 'status'])
    .execute();

  const merged = new Map<string, RevenueRow>();
  for (const row of rows) {
    const id = JSON.stringify([row.period, row.provider, row.currency]);
    let entry = merged.get(id);
    if (entry === undefined) {
      entry = {
        period: row.period,
        provider: row.provider,
        currency: row.currency,
        orders: 0,
        byStatus: {},
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
      };
      merged.set(id, entry);
    }
    entry.orders += Number(row.orders);
    entry.byStatus[row.status] = Number(row.orders);
    entry.amountMinor += Number(row.amountMinor);
    entry.capturedOrders += Number(row.capturedOrders);
    entry.capturedMinor += Number(row.capturedMinor);
    entry.refundedOrders += Number(row.refundedOrders);
    entry.refundedMinor += Number(row.refundedMinor);
    entry.awaitingCaptureOrders += Number(row.awaitingCaptureOrders);
    entry.awaitingCaptureMinor += Number(row.awaitingCaptureMinor);
    entry.cancelledOrFailedOrders += Number(row.cancelledOrFailedOrders);
    entry.refundsInOtherCurrency += Number(row.refundsInOtherCurrency);
  }
  const result = [...merged.values()];
  settleAmountRows(result);
  // Sorted here, by code unit: PostgreSQL would sort text by the database's collation.
  result.sort(
    (left, right) =>
      compareText(left.period, right.period) ||
      compareText(left.provider, right.provider) ||
      compareText(left.currency, right.currency),
  );
  return { by, rows: result, freshness: await reportFreshness(store, window) };
}
