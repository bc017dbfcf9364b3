import { type Kysely, type RawBuilder, type SqlBool, sql } from 'kysely';
import { z } from 'zod';
import type { OrderStore } from '../order-store.js';
import {
  AWAITING_CAPTURE,
  foldGroups,
  MEASURES,
  type MeasuredGroup,
  measureSums,
  measureTotals,
  sumOfStatuses,
} from '../rows/report-measures.js';
import { decodeNullable } from '../rows/report-rollups.js';
import { anomalyCandidate } from '../schema/report-rollups-migration.js';
import type { StoreDatabase } from '../schema/store-database.js';
import { asOfSchema, reportWindowSchema } from './report-options.js';
import {
  asOfTime,
  boundKey,
  compareText,
  holdsOrders,
  isOneOf,
  parseReportOptions,
  type ReportWindow,
  type ResolvedWindow,
  reportDatabase,
  resolveWindow,
  rollupConditions,
  settleAmountRows,
  splitWindow,
  timestampOfKey,
  windowConditions,
} from './report-query.js';

export { CHARGEBACK_PAYMENT_STATUSES } from '../rows/report-measures.js';

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
/** One group of either source: a provider, merchant, name, currency and status, with its sums. */
type MerchantGroup = {
  provider: string;
  merchant_id: string | null;
  merchant_name: string | null;
  currency: string;
  status: string;
} & MeasuredGroup;

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
 * awaiting capture, problems and chargebacks, plus the anomalous orders. Without a window the
 * sums come from the `report_merchants` roll-up table; with one, whole months from
 * `report_merchant_months` and parts of a month from the orders. The anomalies are read from
 * their own partial index.
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

  // The sums and the anomalies are independent reads: on PostgreSQL they run at once, on two
  // of the pool's connections (SQLite runs one statement at a time anyway).
  const [groups, anomalies] = await Promise.all([
    merchantGroups(db, window),
    listAnomalies(db, window, { asOf, stuckAfterDays }),
  ]);

  const merchants = new Map<string, MerchantRow>();
  const folded = foldGroups(groups, (group) => [group.provider, group.merchant_id, group.currency]);
  for (const { groups: merchantGroups, sums, byStatus, amountByStatus } of folded) {
    const [first] = merchantGroups as [MerchantGroup];
    // One merchant id may carry several spellings of its name over time: the greatest is shown.
    let merchantName: string | null = null;
    for (const group of merchantGroups) {
      if (group.merchant_name !== null && compareText(group.merchant_name, merchantName) > 0) {
        merchantName = group.merchant_name;
      }
    }
    merchants.set(JSON.stringify([first.provider, first.merchant_id, first.currency]), {
      provider: first.provider,
      merchantId: first.merchant_id,
      merchantName,
      currency: first.currency,
      orders: sums.orders,
      amountMinor: sums.amount_minor,
      byStatus,
      capturedMinor: sums.captured_minor,
      refundedMinor: sums.refunded_minor,
      netMinor: 0, // settleAmountRows
      awaitingCaptureOrders: sums.awaiting_orders,
      awaitingCaptureMinor: sums.awaiting_minor,
      problemOrders: sumOfStatuses(byStatus, PROBLEM_STATUSES),
      problemMinor: sumOfStatuses(amountByStatus, PROBLEM_STATUSES),
      chargebackOrders: sums.chargeback_orders,
      chargebackMinor: sums.chargeback_minor,
      anomalies: 0,
    });
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

/** The sums per provider, merchant, name, currency and status of the orders in a window. */
async function merchantGroups(
  db: Kysely<StoreDatabase>,
  window: ResolvedWindow,
): Promise<MerchantGroup[]> {
  const { whole, edges } = splitWindow(window, 'month');
  const groups: MerchantGroup[] = [];
  const decoded = (row: RollupGroup) => ({
    ...row,
    merchant_id: decodeNullable(row.merchant),
    merchant_name: decodeNullable(row.merchant_name),
  });
  if (whole !== undefined && whole.from === undefined && whole.to === undefined) {
    // No window (the default): the all-time roll-up table, one row per group already (its
    // primary key), so nothing is added up.
    const rows = await db
      .selectFrom('report_merchants')
      .where((eb) => eb.and(rollupConditions(window)))
      .where('orders', '>', 0)
      .select(['provider', 'merchant', 'merchant_name', 'currency', 'status', ...MEASURES])
      .execute();
    groups.push(...rows.map(decoded));
  } else if (whole !== undefined) {
    // Whole months from the monthly roll-up table. Its key columns are in this grouping's
    // order, so the groups come off the primary key without a sort.
    const rows = await db
      .selectFrom('report_merchant_months')
      .where((eb) => eb.and(rollupConditions(window, { column: 'month', whole })))
      .select(['provider', 'merchant', 'merchant_name', 'currency', 'status', ...measureTotals()])
      .groupBy(['provider', 'merchant', 'merchant_name', 'currency', 'status'])
      .having(holdsOrders())
      .execute();
    groups.push(...rows.map(decoded));
  }
  for (const edge of edges) {
    // Part of a month: the orders themselves.
    groups.push(
      ...(await db
        .selectFrom('orders')
        .where((eb) => eb.and(windowConditions(edge)))
        .select([
          'provider',
          'merchant_id',
          'merchant_name',
          'currency',
          'status',
          ...measureSums(),
        ])
        // Status first. SQLite's planner prefers an index whose column after `scope` is the first
        // GROUP BY term, and then reads every table row, documents and all: orders_by_merchant for
        // `provider` first, orders_by_currency_total (migration 0003) for `currency` first. No
        // index has `status` after `scope` (the listing indexes hold `status_rank`), so it takes
        // the covering orders_report_scan, with or without the planner's statistics (checked by
        // report-plans.sqlite.test.ts).
        .groupBy(['status', 'merchant_id', 'currency', 'provider', 'merchant_name'])
        .execute()),
    );
  }
  return groups;
}

/** A row of a merchants roll-up table: its key (merchant and name encoded) and its sums. */
type RollupGroup = {
  provider: string;
  merchant: string;
  merchant_name: string;
  currency: string;
  status: string;
} & MeasuredGroup;

/**
 * The anomalous orders of a window, oldest first. Each kind is decided once, in SQL: a bit of
 * `kinds` says which hold. The figures only the rare kinds name (a refund, a raw status code) are
 * read by a second statement for those orders alone: most anomalies are stuck payments (over
 * 70,000 of 1,000,000 orders in the reports benchmark), and every column read costs per row.
 */
async function listAnomalies(
  db: Kysely<StoreDatabase>,
  window: ResolvedWindow,
  options: { asOf: string; stuckAfterDays: number },
): Promise<MerchantAnomaly[]> {
  const ref = sql.ref;
  const stuckBefore = boundKey(
    new Date(Date.parse(options.asOf) - options.stuckAfterDays * DAY_MS).toISOString(),
  );
  const conditions: Record<MerchantAnomalyKind, RawBuilder<SqlBool>> = {
    refund_exceeds_amount: sql<SqlBool>`${ref('refunded_currency')} = ${ref('currency')} and ${ref('refunded_minor')} > ${ref('total_minor')}`,
    refund_in_other_currency: sql<SqlBool>`${ref('refunded_currency')} <> ${ref('currency')} and ${ref('refunded_minor')} <> 0`,
    stuck_awaiting_capture: sql<SqlBool>`${isOneOf('payment_status', [AWAITING_CAPTURE])} and ${ref('created_at')} < ${stuckBefore}`,
    unknown_status: sql<SqlBool>`${ref('status')} = ${'unknown'}`,
  };
  const candidates = (kinds: readonly MerchantAnomalyKind[]) =>
    db.selectFrom('orders').where((eb) =>
      eb.and([
        ...windowConditions(window),
        // The predicate of orders_report_anomalies, word for word, so the databases read that
        // small covering index instead of every order of the window.
        sql<SqlBool>`(${anomalyCandidate()})`,
        eb.or(kinds.map((kind) => conditions[kind])),
      ]),
    );
  const rare = MERCHANT_ANOMALY_KINDS.filter((kind) => kind !== 'stuck_awaiting_capture');
  const [rows, figures] = await Promise.all([
    candidates(MERCHANT_ANOMALY_KINDS)
      .select([
        'key',
        'provider',
        'merchant_id',
        'currency',
        'total_minor',
        'created_at',
        sql<number>`${sql.join(
          MERCHANT_ANOMALY_KINDS.map(
            (kind, bit) => sql`case when ${conditions[kind]} then ${sql.lit(1 << bit)} else 0 end`,
          ),
          sql` + `,
        )}`.as('kinds'),
      ])
      .orderBy('created_at')
      .orderBy('key')
      .execute(),
    candidates(rare)
      .select(['key', 'refunded_minor', 'refunded_currency', 'provider_status_code'])
      .execute(),
  ]);
  const rareFigures = new Map(figures.map((row) => [row.key, row]));
  const stuckSince = `, more than ${options.stuckAfterDays} days before ${options.asOf}`;
  const anomalies: MerchantAnomaly[] = [];
  for (const row of rows) {
    const amountMinor = Number(row.total_minor);
    const createdAt = timestampOfKey(row.created_at);
    const kinds = Number(row.kinds);
    const figure = rareFigures.get(row.key);
    for (let bit = 0; bit < MERCHANT_ANOMALY_KINDS.length; bit++) {
      if ((kinds & (1 << bit)) === 0) continue;
      const kind = MERCHANT_ANOMALY_KINDS[bit] as MerchantAnomalyKind;
      let detail: string;
      switch (kind) {
        case 'refund_exceeds_amount':
          detail = `refunded ${figure?.refunded_minor} > total ${amountMinor} (minor units of ${row.currency})`;
          break;
        case 'refund_in_other_currency':
          detail = `refund of ${figure?.refunded_minor} minor units of ${figure?.refunded_currency} on a total in ${row.currency}`;
          break;
        case 'stuck_awaiting_capture':
          detail = `awaiting capture since ${createdAt}${stuckSince}`;
          break;
        case 'unknown_status':
          detail = `provider status ${JSON.stringify(figure?.provider_status_code)} is not in the provider's status table`;
          break;
      }
      anomalies.push({
        kind,
        provider: row.provider,
        merchantId: row.merchant_id,
        key: row.key,
        currency: row.currency,
        amountMinor,
        createdAt,
        detail,
      });
    }
  }
  return anomalies;
}
