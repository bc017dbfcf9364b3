import { InvalidQueryError, toQueryIssues } from '@orderbridge/core';
import { type Expression, type Kysely, type RawBuilder, type SqlBool, sql } from 'kysely';
import type { z } from 'zod';
import { KyselyOrderStore } from '../kysely-order-store.js';
import { DEFAULT_SCOPE, type OrderStore } from '../order-store.js';
import { sortableTime } from '../rows/order-row.js';
import type { StoreDatabase } from '../schema/store-database.js';

export { CAPTURED_PAYMENT_STATUSES, isOneOf } from '../rows/report-measures.js';

/** Lifecycle statuses that end an order: it is no longer awaiting anything. */
export const FINAL_STATUSES = ['completed', 'cancelled', 'failed', 'returned'] as const;

/** The rows a report reads: one scope, some providers, created in `[from, to)`, not vanished. */
export interface ReportWindow {
  /** The store scope (a service tenant); `default` when omitted. */
  scope?: string | undefined;
  /** Only these providers (all when omitted or empty). */
  provider?: string | readonly string[] | undefined;
  /** Orders created at or after this UTC date (`2025-01-31`) or timestamp (`…Z`). */
  from?: string | undefined;
  /** Orders created before this UTC date or timestamp (exclusive). */
  to?: string | undefined;
}

/** A report window with its bounds as sortable keys of the `created_at` column. */
export interface ResolvedWindow {
  scope: string;
  providers: readonly string[];
  from: string | undefined;
  to: string | undefined;
}

/** The query builder of a store opened by `createOrderStore`. */
export function reportDatabase(store: OrderStore): Kysely<StoreDatabase> {
  if (!(store instanceof KyselyOrderStore)) {
    throw new TypeError('Reports run in SQL: pass a store opened with createOrderStore');
  }
  return store.reportDatabase;
}

/** Parses report options with zod, throwing `InvalidQueryError` naming the option. */
export function parseReportOptions<Schema extends z.ZodType>(
  schema: Schema,
  options: unknown,
): z.output<Schema> {
  const parsed = schema.safeParse(options ?? {});
  if (!parsed.success) {
    const issues = toQueryIssues(parsed.error);
    const [issue] = issues;
    throw new InvalidQueryError({
      message: `Invalid report option ${issue?.field}: ${issue?.message}`,
      issues,
    });
  }
  return parsed.data;
}

/** A UTC date or a timestamp (as `createdAt` values are compared: a date is its midnight). */
export function boundKey(value: string): string {
  return sortableTime(value.length === 10 ? `${value}T00:00:00Z` : value);
}

/** Resolves the window's bounds to `created_at` keys; `from` after `to` is a clear error. */
export function resolveWindow(window: ReportWindow): ResolvedWindow {
  const providers =
    window.provider === undefined
      ? []
      : typeof window.provider === 'string'
        ? [window.provider]
        : [...window.provider];
  const from = window.from === undefined ? undefined : boundKey(window.from);
  const to = window.to === undefined ? undefined : boundKey(window.to);
  if (from !== undefined && to !== undefined && from > to) {
    throw new InvalidQueryError({
      message: `Invalid report window: from (${window.from}) is after to (${window.to})`,
      issues: [{ field: 'from', message: 'must not be after to' }],
    });
  }
  return { scope: window.scope ?? DEFAULT_SCOPE, providers, from, to };
}

/** The conditions every report applies: scope, providers, creation window, not vanished. */
export function windowConditions(window: ResolvedWindow): Expression<SqlBool>[] {
  const conditions: Expression<SqlBool>[] = [
    sql<SqlBool>`${sql.ref('orders.scope')} = ${window.scope}`,
    sql<SqlBool>`${sql.ref('orders.vanished_at')} is null`,
  ];
  if (window.providers.length > 0) {
    conditions.push(sql<SqlBool>`${sql.ref('orders.provider')} in (${sql.join(window.providers)})`);
  }
  if (window.from !== undefined) {
    conditions.push(sql<SqlBool>`${sql.ref('orders.created_at')} >= ${window.from}`);
  }
  if (window.to !== undefined) {
    conditions.push(sql<SqlBool>`${sql.ref('orders.created_at')} < ${window.to}`);
  }
  return conditions;
}

/** `count(*)` as a number on both dialects (BIGINT on PostgreSQL, parsed by the store's pool). */
export function countRows(): RawBuilder<number> {
  return sql<number>`count(*)`;
}

/** ISO 8601 text of a `created_at` key (`2025-01-02T03:04:05.120000000` → `…05.120Z`). */
export function timestampOfKey(key: string): string {
  const fraction = key.slice(20).replace(/0+$/, '');
  const digits = fraction.length <= 3 ? 3 : fraction.length <= 6 ? 6 : 9;
  return `${key.slice(0, 19)}.${fraction.padEnd(digits, '0')}Z`;
}

/** The current time, or `asOf` when given (reports that measure ages take it, for repeatability). */
export function asOfTime(asOf: string | undefined): string {
  return asOf ?? new Date().toISOString();
}

/** zod: a UTC date (`2025-01-31`) or timestamp (`2025-01-31T12:00:00Z`). */
export const WINDOW_BOUND_PATTERN = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z)?$/;

/** Code-unit order of two texts (the same on both dialects, whatever the database collation). */
export function compareText(left: string | null, right: string | null): number {
  if (left === right) return 0;
  if (left === null) return -1;
  if (right === null) return 1;
  return left < right ? -1 : 1;
}

/**
 * Finishes summed rows in place: `netMinor` is captured minus refunded, and `byStatus` lists its
 * statuses in code-unit order (so JSON output is the same on both dialects).
 */
export function settleAmountRows(
  rows: Iterable<{
    netMinor: number;
    capturedMinor: number;
    refundedMinor: number;
    byStatus: Record<string, number>;
  }>,
): void {
  for (const row of rows) {
    row.netMinor = row.capturedMinor - row.refundedMinor;
    row.byStatus = Object.fromEntries(
      Object.entries(row.byStatus).sort(([left], [right]) => compareText(left, right)),
    );
  }
}

/** The period a roll-up table sums by: `report_days` by UTC day, `report_merchant_months` by month. */
export type RollupUnit = 'day' | 'month';

/**
 * A report window cut along the periods of a roll-up table: the whole periods it covers, read
 * from the table, and the parts before the first and after the last whole period, read from the
 * orders. A window of dates is whole days; a window of whole months is whole months.
 */
export interface SplitWindow {
  /**
   * Periods `[from, to)` (`YYYY-MM-DD` or `YYYY-MM`; undefined: unbounded on that side), or
   * undefined when the window covers no whole period.
   */
  whole: { from: string | undefined; to: string | undefined } | undefined;
  /** The rest of the window: zero, one or two ranges of `created_at`. */
  edges: ResolvedWindow[];
}

const UNIT_LENGTH: Record<RollupUnit, number> = { day: 10, month: 7 };

/** The `created_at` key at which a period starts. */
function periodStart(unit: RollupUnit, period: string): string {
  return boundKey(unit === 'day' ? period : `${period}-01`);
}

/** The period after one. */
function nextPeriod(unit: RollupUnit, period: string): string {
  const start = new Date(`${unit === 'day' ? period : `${period}-01`}T00:00:00Z`);
  if (unit === 'day') start.setUTCDate(start.getUTCDate() + 1);
  else start.setUTCMonth(start.getUTCMonth() + 1);
  return start.toISOString().slice(0, UNIT_LENGTH[unit]);
}

/** Cuts a window along the periods of a roll-up table (see `SplitWindow`). */
export function splitWindow(window: ResolvedWindow, unit: RollupUnit): SplitWindow {
  const periodOf = (key: string) => key.slice(0, UNIT_LENGTH[unit]);
  let wholeFrom: string | undefined;
  if (window.from !== undefined) {
    const first = periodOf(window.from);
    wholeFrom = periodStart(unit, first) === window.from ? first : nextPeriod(unit, first);
  }
  const wholeTo = window.to === undefined ? undefined : periodOf(window.to);
  if (wholeFrom !== undefined && wholeTo !== undefined && wholeFrom >= wholeTo) {
    return { whole: undefined, edges: [window] };
  }
  const edges: ResolvedWindow[] = [];
  if (window.from !== undefined && wholeFrom !== undefined) {
    const start = periodStart(unit, wholeFrom);
    if (start !== window.from) edges.push({ ...window, to: start });
  }
  if (window.to !== undefined && wholeTo !== undefined) {
    const start = periodStart(unit, wholeTo);
    if (start !== window.to) edges.push({ ...window, from: start });
  }
  return { whole: { from: wholeFrom, to: wholeTo }, edges };
}

/**
 * The conditions on a roll-up table's rows for a window's scope and providers, and with a period
 * column, its whole periods.
 */
export function rollupConditions(
  window: ResolvedWindow,
  period?: { column: 'day' | 'month'; whole: NonNullable<SplitWindow['whole']> },
): Expression<SqlBool>[] {
  const conditions: Expression<SqlBool>[] = [sql<SqlBool>`${sql.ref('scope')} = ${window.scope}`];
  if (window.providers.length > 0) {
    conditions.push(sql<SqlBool>`${sql.ref('provider')} in (${sql.join(window.providers)})`);
  }
  if (period?.whole.from !== undefined) {
    conditions.push(sql<SqlBool>`${sql.ref(period.column)} >= ${period.whole.from}`);
  }
  if (period?.whole.to !== undefined) {
    conditions.push(sql<SqlBool>`${sql.ref(period.column)} < ${period.whole.to}`);
  }
  return conditions;
}

/** A group of a roll-up table that still holds an order (a group whose orders all left is 0). */
export function holdsOrders(): RawBuilder<SqlBool> {
  return sql<SqlBool>`sum(${sql.ref('orders')}) > 0`;
}
