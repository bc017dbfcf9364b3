import { type Kysely, type RawBuilder, type SqlBool, sql } from 'kysely';
import type { Migration } from 'kysely/migration';
import { MEASURES } from '../rows/report-measures.js';
import {
  ROLLUP_KEYS,
  ROLLUP_PRIMARY_KEYS,
  ROLLUP_TABLES,
  rollupFromOrders,
} from '../rows/report-rollups.js';
import type { StoreDatabase } from './store-database.js';
import type { StoreDialect } from './store-migrations.js';

/**
 * The orders the merchants report may list as anomalies, whatever its `asOf`: a refund above the
 * total, a refund in another currency, a payment awaiting capture (stuck once old enough), a status
 * the provider's table does not know. Literals only: the partial index below carries it as its
 * predicate, and a database uses that index only for a query that repeats it word for word.
 */
export function anomalyCandidate(): RawBuilder<SqlBool> {
  const ref = sql.ref;
  return sql<SqlBool>`(${ref('refunded_currency')} = ${ref('currency')} and ${ref('refunded_minor')} > ${ref('total_minor')}) or (${ref('refunded_currency')} <> ${ref('currency')} and ${ref('refunded_minor')} <> ${sql.lit(0)}) or ${ref('payment_status')} = ${sql.lit('requires_capture')} or ${ref('status')} = ${sql.lit('unknown')}`;
}

/**
 * `0007-report-rollups`: what makes the revenue and merchants reports independent of the number
 * of stored orders (before: one aggregate over every order of the scope, 1.2–4.7 s over 1,000,000).
 * - `report_days`, `report_merchant_months` and `report_merchants` (see `rows/report-rollups.ts`):
 *   the reports' sums per group, which every write of the store then keeps current in its own
 *   transaction. Filled here from the stored orders in one statement each.
 * - `sync_state.last_seen_at`: the latest time an order of the provider was seen, kept by every
 *   write, so the reports' freshness reads one row per provider instead of every order.
 * - `orders_report_anomalies`: a partial index holding only the orders that may be anomalies, with
 *   every column the merchants report lists of them, so listing them never reads the table.
 */
export function reportRollupsMigration(dialect: StoreDialect): Migration {
  // Day, week and month keys compare as bytes on PostgreSQL too (like `created_at`).
  const period = dialect === 'postgres' ? sql`text collate "C"` : 'text';
  return {
    async up(untyped: Kysely<unknown>): Promise<void> {
      const db = untyped as unknown as Kysely<StoreDatabase>;
      for (const table of ROLLUP_TABLES) {
        let create = untyped.schema
          .createTable(table)
          .addColumn('scope', 'text', (column) => column.notNull());
        for (const column of ROLLUP_KEYS[table]) {
          const type = ['day', 'week', 'month'].includes(column) ? period : 'text';
          create = create.addColumn(column, type, (built) => built.notNull());
        }
        for (const measure of MEASURES) {
          create = create.addColumn(measure, 'bigint', (column) => column.notNull().defaultTo(0));
        }
        // Columns added in the loops above, which the builder's types do not track.
        const primaryKey = [...ROLLUP_PRIMARY_KEYS[table]] as Array<'scope'>;
        create = create.addPrimaryKeyConstraint(`${table}_pkey`, primaryKey);
        // SQLite: the rows stored in the primary key's order, so a report reads them in that
        // order without a lookup per row (a rowid table's key is a separate index).
        if (dialect === 'sqlite') create = create.modifyEnd(sql`without rowid`);
        await create.execute();
        // Column names from `ROLLUP_KEYS` and `MEASURES`, which Kysely's types cannot follow.
        const columns = ['scope', ...ROLLUP_KEYS[table], ...MEASURES] as Array<'scope'>;
        await db
          .insertInto(table)
          .columns(columns)
          .expression(rollupFromOrders(db, table) as never)
          .execute();
      }
      // The reports' freshness: the latest time an order of the provider was seen.
      await untyped.schema.alterTable('sync_state').addColumn('last_seen_at', 'text').execute();
      await db
        .updateTable('sync_state')
        .set((eb) => ({
          last_seen_at: eb
            .selectFrom('orders')
            .select((inner) => inner.fn.max('orders.last_seen_at').as('seen'))
            .whereRef('orders.scope', '=', 'sync_state.scope')
            .whereRef('orders.provider', '=', 'sync_state.provider'),
        }))
        .execute();
      await untyped.schema
        .createIndex('orders_report_anomalies')
        .on('orders')
        .columns([
          'scope',
          'created_at',
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
          // Listed for SQLite, which counts a partial index as covering only when it holds every
          // column the query names (see orders_report_scan).
          'vanished_at',
        ])
        .where(sql<SqlBool>`${sql.ref('vanished_at')} is null and (${anomalyCandidate()})`)
        .execute();
    },
  };
}
