import type { Order } from '@orderbridge/core';
import { type Kysely, sql } from 'kysely';
import type { Migration } from 'kysely/migration';
import { type ReportColumns, reportColumns } from '../rows/report-columns.js';

/** Rows read and rewritten per step of the backfill. */
const BACKFILL_CHUNK = 1000;

/** The orders table as the backfill sees it (only what it reads and writes). */
interface BackfillDatabase {
  orders: { scope: string; key: string; document: string } & ReportColumns;
}

/**
 * `0002-report-columns`: the columns the reports group and sum on (reference, merchant name,
 * provider status label, refunded amount and currency, fulfilment done / total, ISO week of creation), so every report is
 * one SQL aggregate over plain columns on both dialects (no JSON functions, which differ). Rows
 * already stored are filled from their canonical document, by the same function that fills new
 * rows, in keyset chunks.
 */
export function reportColumnsMigration(): Migration {
  return {
    async up(untyped: Kysely<unknown>): Promise<void> {
      const db = untyped as unknown as Kysely<BackfillDatabase>;
      for (const [column, type] of [
        ['reference', 'text'],
        ['merchant_name', 'text'],
        ['provider_status_label', 'text'],
        ['refunded_minor', 'bigint'],
        ['refunded_currency', 'text'],
        ['fulfillment_done', 'integer'],
        ['fulfillment_total', 'integer'],
      ] as const) {
        // One column per statement: SQLite's ALTER TABLE adds one at a time.
        await db.schema.alterTable('orders').addColumn(column, type).execute();
      }
      await db.schema
        .alterTable('orders')
        .addColumn('created_week', 'text', (column) => column.notNull().defaultTo(''))
        .execute();
      // Reconciliation looks ledger references up by reference within a scope.
      await db.schema
        .createIndex('orders_by_reference')
        .on('orders')
        .columns(['scope', 'reference'])
        .execute();
      // The reports aggregate every stored order of a scope (optionally a creation window): a
      // covering index over exactly the columns they read, without vanished orders, lets both
      // databases scan it instead of the table, whose rows carry the whole JSON document (reading
      // those pages is what made a report over 1,000,000 orders take seconds). Creation time second,
      // so a window is a range of it. docs/benchmarks.md has the plans.
      await db.schema
        .createIndex('orders_report_scan')
        .on('orders')
        .columns([
          'scope',
          'created_at',
          'provider',
          'currency',
          'status',
          'payment_status',
          'total_minor',
          'refunded_minor',
          'refunded_currency',
          'created_week',
          'merchant_id',
          'merchant_name',
          // Also listed, though the index holds only nulls of it: SQLite counts a partial index
          // as covering only when every column the query names is in it.
          'vanished_at',
        ])
        .where(sql.ref('vanished_at'), 'is', null)
        .execute();
      // The fulfilment queue: the few orders still waiting, found and counted without a scan.
      await db.schema
        .createIndex('orders_report_queue')
        .on('orders')
        .columns(['scope', 'fulfillment_status', 'status', 'created_at', 'vanished_at'])
        .where(sql.ref('vanished_at'), 'is', null)
        .execute();

      let after: { scope: string; key: string } | undefined;
      for (;;) {
        let select = db
          .selectFrom('orders')
          .select(['scope', 'key', 'document'])
          .orderBy('scope')
          .orderBy('key')
          .limit(BACKFILL_CHUNK);
        if (after !== undefined) {
          const position = after;
          select = select.where((eb) =>
            eb.or([
              eb('scope', '>', position.scope),
              eb.and([eb('scope', '=', position.scope), eb('key', '>', position.key)]),
            ]),
          );
        }
        const rows = await select.execute();
        for (const row of rows) {
          const order = JSON.parse(row.document) as Order;
          await db
            .updateTable('orders')
            .set(reportColumns(order))
            .where('scope', '=', row.scope)
            .where('key', '=', row.key)
            .execute();
        }
        const last = rows.at(-1);
        if (last === undefined || rows.length < BACKFILL_CHUNK) break;
        after = { scope: last.scope, key: last.key };
      }
    },
  };
}
