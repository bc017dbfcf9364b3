import { sql } from 'kysely';
import { z } from 'zod';
import type { OrderStore } from '../order-store.js';
import {
  foldGroups,
  MEASURES,
  type MeasuredGroup,
  measureSums,
  measureTotals,
  sumOfStatuses,
} from '../rows/report-measures.js';
import { type ProviderFreshness, reportFreshness } from './report-freshness.js';
import { reportWindowSchema } from './report-options.js';
import {
  compareText,
  holdsOrders,
  parseReportOptions,
  type ReportWindow,
  reportDatabase,
  resolveWindow,
  rollupConditions,
  settleAmountRows,
  splitWindow,
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

/** One group of either source: a period, provider, currency and status. */
interface RevenueGroup {
  period: string;
  provider: string;
  currency: string;
  status: string;
}

const CANCELLED_OR_FAILED = ['cancelled', 'failed'];

const optionsSchema = reportWindowSchema.extend({
  by: z.enum(REVENUE_PERIODS).optional(),
});

/**
 * Orders, amounts, captured, refunded and net per period of creation, provider and currency, in
 * exact integers of minor units. Whole days of the window are summed from the `report_days`
 * roll-up table, parts of a day (a bound with a time of day) from the orders. Periods with no
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
  const { whole, edges } = splitWindow(window, 'day');
  const groups: Array<RevenueGroup & MeasuredGroup> = [];
  if (whole !== undefined) {
    // Whole days from the roll-up table kept by every write: a few rows per day, not per order.
    const rollup = db
      .selectFrom('report_days')
      .where((eb) => eb.and(rollupConditions(window, { column: 'day', whole })));
    if (by === 'day') {
      // One row per group already (its primary key): nothing to add up.
      groups.push(
        ...(await rollup
          .where('orders', '>', 0)
          .select(['day as period', 'provider', 'currency', 'status', ...MEASURES])
          .execute()),
      );
    } else {
      const period =
        by === 'week'
          ? sql<string>`${sql.ref('week')}`
          : sql<string>`substr(${sql.ref('day')}, 1, 7)`;
      groups.push(
        ...(await rollup
          .select([period.as('period'), 'provider', 'currency', 'status', ...measureTotals()])
          .groupBy(['provider', period, 'currency', 'status'])
          .having(holdsOrders())
          .execute()),
      );
    }
  }
  for (const edge of edges) {
    // Part of a day (a window bound with a time of day): the orders themselves.
    const period =
      by === 'week'
        ? sql<string>`${sql.ref('created_week')}`
        : sql<string>`substr(${sql.ref('created_at')}, 1, ${sql.lit(by === 'day' ? 10 : 7)})`;
    groups.push(
      ...(await db
        .selectFrom('orders')
        .where((eb) => eb.and(windowConditions(edge)))
        .select([period.as('period'), 'provider', 'currency', 'status', ...measureSums()])
        .groupBy([period, 'provider', 'currency', 'status'])
        .execute()),
    );
  }

  const result = foldGroups(groups, (group) => [group.period, group.provider, group.currency]).map(
    ({ groups: [first], sums, byStatus }): RevenueRow => ({
      period: first!.period,
      provider: first!.provider,
      currency: first!.currency,
      orders: sums.orders,
      byStatus,
      amountMinor: sums.amount_minor,
      capturedOrders: sums.captured_orders,
      capturedMinor: sums.captured_minor,
      refundedOrders: sums.refunded_orders,
      refundedMinor: sums.refunded_minor,
      netMinor: 0, // settleAmountRows
      awaitingCaptureOrders: sums.awaiting_orders,
      awaitingCaptureMinor: sums.awaiting_minor,
      cancelledOrFailedOrders: sumOfStatuses(byStatus, CANCELLED_OR_FAILED),
      refundsInOtherCurrency: sums.refunds_other_currency,
    }),
  );
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
