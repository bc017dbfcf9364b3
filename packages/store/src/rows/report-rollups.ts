import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { StoreDatabase } from '../schema/store-database.js';
import {
  MEASURES,
  type MeasuredRow,
  type Measures,
  measureSums,
  orderMeasures,
} from './report-measures.js';

/**
 * The roll-up tables (migration `0007-report-rollups`): the revenue and merchants measures of the
 * stored orders, summed per group and kept current by every write of the store, in the same
 * transaction as the rows (docs/reports.md, "Roll-ups"). Only orders that have not vanished count.
 * - `report_days`: per scope, provider, UTC day of creation, currency and status (the day's ISO
 *   week beside it). The revenue report reads it for whole days.
 * - `report_merchant_months`: per scope, provider, merchant, merchant name, currency, status and
 *   UTC month of creation. The merchants report reads it for whole months.
 * - `report_merchants`: the same without the month, for the merchants report over all time (its
 *   default), which then reads a row per merchant, currency and status.
 */
export const ROLLUP_TABLES = ['report_days', 'report_merchant_months', 'report_merchants'] as const;
/** One roll-up table. */
export type RollupTable = (typeof ROLLUP_TABLES)[number];

/** The key columns of each roll-up table, in primary-key order after `scope`. */
export const ROLLUP_KEYS = {
  report_days: ['provider', 'day', 'currency', 'status', 'week'],
  report_merchant_months: ['provider', 'merchant', 'merchant_name', 'currency', 'status', 'month'],
  report_merchants: ['provider', 'merchant', 'merchant_name', 'currency', 'status'],
} as const satisfies Record<RollupTable, readonly string[]>;

/**
 * The primary key of each table: `week` is not in it, as it follows from `day`. `merchant` and
 * `merchant_name` hold `encodeNullable` text, as a key column cannot be null.
 */
export const ROLLUP_PRIMARY_KEYS = {
  report_days: ['scope', 'provider', 'day', 'currency', 'status'],
  report_merchant_months: [
    'scope',
    'provider',
    'merchant',
    'merchant_name',
    'currency',
    'status',
    'month',
  ],
  report_merchants: ['scope', 'provider', 'merchant', 'merchant_name', 'currency', 'status'],
} as const satisfies Record<RollupTable, readonly string[]>;

/** A nullable text as a non-null key: `''` for null, `=` and the text otherwise. */
export function encodeNullable(value: string | null): string {
  return value === null ? '' : `=${value}`;
}

/** The text `encodeNullable` was given. */
export function decodeNullable(value: string): string | null {
  return value === '' ? null : value.slice(1);
}

/** `encodeNullable` in SQL (`'=' || null` is null on both dialects). */
function encodedSql(column: string): RawBuilder<string> {
  return sql<string>`coalesce(${sql.lit('=')} || ${sql.ref(column)}, ${sql.lit('')})`;
}

/** The key of an order row in each table, in JavaScript (what `keySql` computes in SQL). */
function keyValues(table: RollupTable, row: MeasuredRow): string[] {
  if (table === 'report_days') {
    return [row.provider, row.created_at.slice(0, 10), row.currency, row.status, row.created_week];
  }
  const merchant = [
    row.provider,
    encodeNullable(row.merchant_id),
    encodeNullable(row.merchant_name),
    row.currency,
    row.status,
  ];
  return table === 'report_merchants' ? merchant : [...merchant, row.created_at.slice(0, 7)];
}

/** The key of an order row in each table, in SQL over `orders`, in `ROLLUP_KEYS` order. */
function keySql(table: RollupTable): RawBuilder<string>[] {
  const ref = (column: string) => sql<string>`${sql.ref(column)}`;
  if (table === 'report_days') {
    return [
      ref('provider'),
      sql<string>`substr(${sql.ref('created_at')}, 1, 10)`,
      ref('currency'),
      ref('status'),
      ref('created_week'),
    ];
  }
  const merchant = [
    ref('provider'),
    encodedSql('merchant_id'),
    encodedSql('merchant_name'),
    ref('currency'),
    ref('status'),
  ];
  return table === 'report_merchants'
    ? merchant
    : [...merchant, sql<string>`substr(${sql.ref('created_at')}, 1, 7)`];
}

/**
 * The roll-up rows of a table computed from scratch over the stored orders: what the migration
 * fills the table with, and what the tests compare the kept table with.
 */
export function rollupFromOrders(db: Kysely<StoreDatabase>, table: RollupTable) {
  const keys = keySql(table);
  return db
    .selectFrom('orders')
    .where('vanished_at', 'is', null)
    .select([
      'scope',
      ...keys.map((key, index) => key.as(ROLLUP_KEYS[table][index] as string)),
      ...measureSums(),
    ])
    .groupBy(['scope', ...keys]);
}

/** One row to add to a roll-up table: its scope, key columns and measures. */
export type RollupDelta = { scope: string } & Record<string, string | number>;

/**
 * The changes one write makes to the roll-up tables: each order row that stops counting (updated
 * or vanished) is subtracted, each that starts counting (created, updated, reappeared) is added.
 * Rows of one group are summed first, so each group is written once per transaction.
 */
export class RollupDeltas {
  readonly #groups = new Map<string, { table: RollupTable; key: string[]; measures: Measures }>();
  readonly #scope: string;

  constructor(scope: string) {
    this.#scope = scope;
  }

  /** Adds (`sign` 1) or subtracts (-1) an order row; a vanished row counts for nothing. */
  add(row: MeasuredRow, sign: 1 | -1): void {
    if (row.vanished_at !== null) return;
    const measures = orderMeasures(row, sign);
    for (const table of ROLLUP_TABLES) {
      const key = keyValues(table, row);
      const id = JSON.stringify([table, key]);
      const group = this.#groups.get(id);
      if (group === undefined) {
        this.#groups.set(id, { table, key, measures: { ...measures } });
      } else {
        for (const measure of MEASURES) group.measures[measure] += measures[measure];
      }
    }
  }

  /**
   * The rows to add to one table, without groups whose changes cancel out, sorted by key: two
   * transactions then lock shared rows in the same order, so they wait instead of deadlocking.
   */
  rows(table: RollupTable): RollupDelta[] {
    const groups = [...this.#groups.values()]
      .filter(
        (group) =>
          group.table === table && MEASURES.some((measure) => group.measures[measure] !== 0),
      )
      .sort((left, right) => compareKeys(left.key, right.key));
    return groups.map((group) => {
      const row: RollupDelta = { scope: this.#scope };
      ROLLUP_KEYS[table].forEach((column, index) => {
        row[column] = group.key[index] as string;
      });
      for (const measure of MEASURES) row[measure] = group.measures[measure];
      return row;
    });
  }
}

function compareKeys(left: readonly string[], right: readonly string[]): number {
  for (let index = 0; index < left.length; index++) {
    const a = left[index] as string;
    const b = right[index] as string;
    if (a !== b) return a < b ? -1 : 1;
  }
  return 0;
}
