import { InvalidQueryError, toQueryIssues } from '@orderbridge/core';
import { type Expression, type Kysely, type RawBuilder, type SqlBool, sql } from 'kysely';
import type { z } from 'zod';
import { KyselyOrderStore } from '../kysely-order-store.js';
import { DEFAULT_SCOPE, type OrderStore } from '../order-store.js';
import { sortableTime } from '../rows/order-row.js';
import type { StoreDatabase } from '../schema/store-database.js';

/**
 * Payment statuses under which the total was taken from the payer: `paid`, and the statuses an
 * order can only reach after it was paid (`refunded`; `partially_refunded` and `disputed` as core
 * adds them). A status this list does not name counts as not captured.
 */
export const CAPTURED_PAYMENT_STATUSES = [
  'paid',
  'refunded',
  'partially_refunded',
  'disputed',
] as const;

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

/**
 * An exact integer sum: `sum` of a BIGINT is NUMERIC on PostgreSQL (which pg hands over as text),
 * so it is cast back to BIGINT, which the store's pool parses to a safe integer or rejects.
 */
export function exactSum(expression: RawBuilder<unknown>): RawBuilder<number> {
  return sql<number>`cast(coalesce(sum(${expression}), 0) as bigint)`;
}

/** `count(*)` as a number on both dialects (BIGINT on PostgreSQL, parsed by the store's pool). */
export function countRows(): RawBuilder<number> {
  return sql<number>`count(*)`;
}

/** `column in (values…)` with bound values. */
export function isOneOf(column: string, values: readonly string[]): RawBuilder<SqlBool> {
  return sql<SqlBool>`${sql.ref(column)} in (${sql.join(values)})`;
}

/** The refunded amount of a row when it is in the total's currency, else 0 (never mixed). */
export function refundInTotalCurrency(): RawBuilder<unknown> {
  return sql`case when ${sql.ref('refunded_currency')} = ${sql.ref('currency')} then ${sql.ref('refunded_minor')} else 0 end`;
}

/** `total_minor` when a condition holds, else 0. */
export function totalWhen(condition: RawBuilder<SqlBool>): RawBuilder<unknown> {
  return sql`case when ${condition} then ${sql.ref('total_minor')} else 0 end`;
}

/** 1 when a condition holds, else 0 (a conditional count). */
export function oneWhen(condition: RawBuilder<SqlBool>): RawBuilder<unknown> {
  return sql`case when ${condition} then 1 else 0 end`;
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
