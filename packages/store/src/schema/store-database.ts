import type { Generated } from 'kysely';
import type { Measure } from '../rows/report-measures.js';
import type { WebhookTables } from '../webhooks/webhook-tables.js';

/**
 * One stored order: the canonical document plus a column for every filter and sort of the
 * canonical query. Time columns used for sorting hold `sortableTime` keys, not ISO text (see
 * `rows/order-row.ts`); bookkeeping times hold ISO 8601 UTC text as the caller gave it.
 */
export interface OrdersTable {
  scope: string;
  key: string;
  provider: string;
  order_id: string;
  status: string;
  /** Position of `status` in core's lifecycle order (-1 when unknown to this version). */
  status_rank: number;
  payment_status: string | null;
  fulfillment_status: string | null;
  provider_status_code: string;
  /** Sortable key of `createdAt`. */
  created_at: string;
  /** Sortable key of `updatedAt`; `''` when the order has none (sorts first, as in core). */
  updated_at: string;
  currency: string;
  total_minor: number;
  /** Integer part of the total's decimal value (floor), for sorting across currencies. */
  total_value_units: number;
  /** Fraction of the total's decimal value in 1/10,000ths (0 to 9,999). */
  total_value_fraction: number;
  customer_id: string | null;
  merchant_id: string | null;
  /** Lower-cased searchable fields, separated by U+001F. */
  search_text: string;
  /** Canonical JSON of the order without `raw` (JSONB on PostgreSQL). */
  document: string;
  content_hash: string;
  first_seen_at: string;
  last_seen_at: string;
  last_changed_at: string;
  last_seen_run: string;
  vanished_at: string | null;
  // Report columns (migration 0002-report-columns, see rows/report-columns.ts).
  reference: string | null;
  merchant_name: string | null;
  provider_status_label: string | null;
  refunded_minor: number | null;
  refunded_currency: string | null;
  fulfillment_done: number | null;
  fulfillment_total: number | null;
  /** Monday (`YYYY-MM-DD`) of the ISO week of `createdAt`, UTC. */
  created_week: string;
}

/** One change-log entry; `diff` is JSON text (JSONB on PostgreSQL). */
export interface ChangesTable {
  seq: Generated<number>;
  scope: string;
  key: string;
  provider: string;
  kind: string;
  diff: string | null;
  observed_at: string;
  run_id: string;
}

/** One provider's sync state in one scope; JSON columns are JSONB on PostgreSQL. */
export interface SyncStateTable {
  scope: string;
  provider: string;
  watermark: string | null;
  progress: string | null;
  last_run: string | null;
  last_full_sweep_at: string | null;
  last_error: string | null;
  /**
   * The latest `last_seen_at` of the provider's orders in the scope (migration
   * `0007-report-rollups`), kept by every write of orders; null before its first order.
   */
  last_seen_at: string | null;
}

/** Facts about the stored data itself (e.g. the status vocabulary `status_rank` was computed with). */
export interface StoreMetaTable {
  name: string;
  value: string;
}

/** The measures of a roll-up row (see `rows/report-measures.ts`). */
type MeasureColumns = Record<Measure, number>;

/** Revenue sums per scope, provider, UTC day of creation, currency and status. */
export interface ReportDaysTable extends MeasureColumns {
  scope: string;
  provider: string;
  /** `YYYY-MM-DD` of `createdAt`, UTC. */
  day: string;
  /** Monday (`YYYY-MM-DD`) of that day's ISO week. */
  week: string;
  currency: string;
  status: string;
}

/** Merchant sums per scope, provider, merchant, name, currency, status and UTC month of creation. */
export interface ReportMerchantMonthsTable extends MeasureColumns {
  scope: string;
  provider: string;
  /** `merchant_id` as `encodeNullable` text (`''` for none). */
  merchant: string;
  /** `merchant_name` as `encodeNullable` text. */
  merchant_name: string;
  currency: string;
  status: string;
  /** `YYYY-MM` of `createdAt`, UTC. */
  month: string;
}

/** Merchant sums over all time: `report_merchant_months` without the month. */
export type ReportMerchantsTable = Omit<ReportMerchantMonthsTable, 'month'>;

/** The store's tables, for Kysely's typed queries. */
export interface StoreDatabase extends WebhookTables {
  orders: OrdersTable;
  report_days: ReportDaysTable;
  report_merchant_months: ReportMerchantMonthsTable;
  report_merchants: ReportMerchantsTable;
  changes: ChangesTable;
  sync_state: SyncStateTable;
  store_meta: StoreMetaTable;
}
