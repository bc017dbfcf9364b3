import { type SqlBool, sql } from 'kysely';
import { z } from 'zod';
import type { OrderStore } from '../order-store.js';
import { asOfSchema, reportWindowSchema } from './report-options.js';
import {
  asOfTime,
  boundKey,
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
  timestampOfKey,
  totalWhen,
  windowConditions,
} from './report-query.js';

/** Kinds of anomaly the merchants report lists (docs/reports.md). */
export const MERCHANT_ANOMALY_KINDS = [
  'refund_exceeds_amount',
  'refund_in_other_currency',
  'stuck_awaiting_capture',
  'unknown_status',
] as const;
/** A kind of anomaly. */
export type MerchantAnomalyKind = (typeof MERCHANT_ANOMALY_KINDS)[number];

/** Lifecycle statuses counted as problems: the order failed or is held. */
export const PROBLEM_STATUSES = ['failed', 'on_hold'] as const;
/** Payment statuses counted as chargebacks (`disputed`, as core adds it). */
export const CHARGEBACK_PAYMENT_STATUSES = ['disputed'] as const;

const DAY_MS = 86_400_000;

/** Options of `merchantsReport`. */
export interface MerchantsReportOptions extends ReportWindow {
  /** The time "stuck" is measured from (default: now). */
  asOf?: string | undefined;
  /** An order awaiting capture for longer than this many days is an anomaly (default 7). */
  stuckAfterDays?: number | undefined;
}

/** One merchant in one currency. FlexPortal orders have no merchant: `merchantId` null. */
export interface MerchantRow {
  provider: string;
  merchantId: string | null;
  merchantName: string | null;
  currency: string;
  orders: number;
  amountMinor: number;
  /** Orders by lifecycle `status` (only statuses that occur). */
  byStatus: Record<string, number>;
  capturedMinor: number;
  refundedMinor: number;
  /** `capturedMinor − refundedMinor`. */
  netMinor: number;
  awaitingCaptureOrders: number;
  awaitingCaptureMinor: number;
  /** Orders failed or on hold. */
  problemOrders: number;
  problemMinor: number;
  chargebackOrders: number;
  chargebackMinor: number;
  /** How many anomalies of this merchant and currency are listed. */
  anomalies: number;
}

/** One anomalous order. */
export interface MerchantAnomaly {
  kind: MerchantAnomalyKind;
  provider: string;
  merchantId: string | null;
  key: string;
  currency: string;
  amountMinor: number;
  createdAt: string;
  /** What is wrong, in words, with the figures. */
  detail: string;
}

/** The merchants report. */
export interface MerchantsReport {
  asOf: string;
  stuckAfterDays: number;
  rows: MerchantRow[];
  anomalies: MerchantAnomaly[];
}

const optionsSchema = reportWindowSchema.extend({
  asOf: asOfSchema,
  stuckAfterDays: z.number().int().min(0).max(3650).optional(),
});

/**
 * Per provider, merchant and currency: orders, amounts by status, captured, refunded, net,
 * awaiting capture, problems and chargebacks, plus the anomalous orders, all in SQL.
 * @throws InvalidQueryError for a bad option (naming it).
 */
export async function merchantsReport(
  store: OrderStore,
  options: MerchantsReportOptions = {},
): Promise<MerchantsReport> {
  const parsed = parseReportOptions(optionsSchema, options);
  const asOf = asOfTime(parsed.asOf);
  const stuckAfterDays = parsed.stuckAfterDays ?? 7;
  const window = resolveWindow(parsed);
  const db = reportDatabase(store);
  const captured = isOneOf('payment_status', CAPTURED_PAYMENT_STATUSES);
  const awaiting = isOneOf('payment_status', ['requires_capture']);
  const problem = isOneOf('status', PROBLEM_STATUSES);
  const chargeback = isOneOf('payment_status', CHARGEBACK_PAYMENT_STATUSES);
  const stuckBefore = boundKey(new Date(Date.parse(asOf) - stuckAfterDays * DAY_MS).toISOString());

  const groups = await db
    .selectFrom('orders')
    .where((eb) => eb.and(windowConditions(window)))
    .select([
      'provider',
      'merchant_id',
      'currency',
      'status',
      sql<string | null>`max(${sql.ref('merchant_name')})`.as('merchant_name'),
      countRows().as('orders'),
      exactSum(sql`${sql.ref('total_minor')}`).as('amount'),
      exactSum(totalWhen(captured)).as('captured'),
      exactSum(refundInTotalCurrency()).as('refunded'),
      exactSum(oneWhen(awaiting)).as('awaiting_orders'),
      exactSum(totalWhen(awaiting)).as('awaiting'),
      exactSum(oneWhen(problem)).as('problem_orders'),
      exactSum(totalWhen(problem)).as('problem'),
      exactSum(oneWhen(chargeback)).as('chargeback_orders'),
      exactSum(totalWhen(chargeback)).as('chargeback'),
    ])
    // Status first. SQLite's planner prefers an index whose column after `scope` is the first
    // GROUP BY term, and then reads every table row, documents and all: orders_by_merchant for
    // `provider` first, orders_by_currency_total (migration 0003) for `currency` first (5.8 s
    // instead of ~2 s over 1,000,000). No index has `status` after `scope` (the listing indexes
    // hold `status_rank`), so it takes the covering orders_report_scan, with or without the
    // planner's statistics (checked by report-plans.sqlite.test.ts).
    .groupBy(['status', 'merchant_id', 'currency', 'provider'])
    .execute();

  const refunded = sql.ref('refunded_minor');
  const refundedCurrency = sql.ref('refunded_currency');
  const anomalyRows = await db
    .selectFrom('orders')
    .where((eb) =>
      eb.and([
        ...windowConditions(window),
        eb.or([
          sql<SqlBool>`${refundedCurrency} = ${sql.ref('currency')} and ${refunded} > ${sql.ref('total_minor')}`,
          sql<SqlBool>`${refundedCurrency} <> ${sql.ref('currency')} and ${refunded} <> 0`,
          sql<SqlBool>`${awaiting} and ${sql.ref('created_at')} < ${stuckBefore}`,
          sql<SqlBool>`${sql.ref('status')} = ${'unknown'}`,
        ]),
      ]),
    )
    .select([
      'key',
      'provider',
      'merchant_id',
      'currency',
      'total_minor',
      'refunded_minor',
      'refunded_currency',
      'payment_status',
      'status',
      'provider_status_code',
      'created_at',
    ])
    .orderBy('created_at')
    .orderBy('key')
    .execute();

  const anomalies: MerchantAnomaly[] = [];
  for (const row of anomalyRows) {
    const base = {
      provider: row.provider,
      merchantId: row.merchant_id,
      key: row.key,
      currency: row.currency,
      amountMinor: Number(row.total_minor),
      createdAt: timestampOfKey(row.created_at),
    };
    const refundMinor = row.refunded_minor === null ? null : Number(row.refunded_minor);
    if (
      refundMinor !== null &&
      row.refunded_currency === row.currency &&
      refundMinor > base.amountMinor
    ) {
      anomalies.push({
        ...base,
        kind: 'refund_exceeds_amount',
        detail: `refunded ${refundMinor} > total ${base.amountMinor} (minor units of ${row.currency})`,
      });
    }
    if (refundMinor !== null && refundMinor !== 0 && row.refunded_currency !== row.currency) {
      anomalies.push({
        ...base,
        kind: 'refund_in_other_currency',
        detail: `refund of ${refundMinor} minor units of ${row.refunded_currency} on a total in ${row.currency}`,
      });
    }
    if (row.payment_status === 'requires_capture' && row.created_at < stuckBefore) {
      anomalies.push({
        ...base,
        kind: 'stuck_awaiting_capture',
        detail: `awaiting capture since ${base.createdAt}, more than ${stuckAfterDays} days before ${asOf}`,
      });
    }
    if (row.status === 'unknown') {
      anomalies.push({
        ...base,
        kind: 'unknown_status',
        detail: `provider status ${JSON.stringify(row.provider_status_code)} is not in the provider's status table`,
      });
    }
  }

  const merchants = new Map<string, MerchantRow>();
  for (const group of groups) {
    const id = JSON.stringify([group.provider, group.merchant_id, group.currency]);
    let row = merchants.get(id);
    if (row === undefined) {
      row = {
        provider: group.provider,
        merchantId: group.merchant_id,
        merchantName: null,
        currency: group.currency,
        orders: 0,
        amountMinor: 0,
        byStatus: {},
        capturedMinor: 0,
        refundedMinor: 0,
        netMinor: 0,
        awaitingCaptureOrders: 0,
        awaitingCaptureMinor: 0,
        problemOrders: 0,
        problemMinor: 0,
        chargebackOrders: 0,
        chargebackMinor: 0,
        anomalies: 0,
      };
      merchants.set(id, row);
    }
    // One merchant id may carry several spellings of its name over time: the greatest is shown.
    if (group.merchant_name !== null && compareText(group.merchant_name, row.merchantName) > 0) {
      row.merchantName = group.merchant_name;
    }
    row.orders += Number(group.orders);
    row.amountMinor += Number(group.amount);
    row.byStatus[group.status] = Number(group.orders);
    row.capturedMinor += Number(group.captured);
    row.refundedMinor += Number(group.refunded);
    row.awaitingCaptureOrders += Number(group.awaiting_orders);
    row.awaitingCaptureMinor += Number(group.awaiting);
    row.problemOrders += Number(group.problem_orders);
    row.problemMinor += Number(group.problem);
    row.chargebackOrders += Number(group.chargeback_orders);
    row.chargebackMinor += Number(group.chargeback);
  }
  for (const anomaly of anomalies) {
    const row = merchants.get(
      JSON.stringify([anomaly.provider, anomaly.merchantId, anomaly.currency]),
    );
    if (row !== undefined) row.anomalies += 1;
  }
  const rows = [...merchants.values()];
  settleAmountRows(rows);
  rows.sort(
    (left, right) =>
      compareText(left.provider, right.provider) ||
      compareText(left.merchantId, right.merchantId) ||
      compareText(left.currency, right.currency),
  );
  return { asOf, stuckAfterDays, rows, anomalies };
}
