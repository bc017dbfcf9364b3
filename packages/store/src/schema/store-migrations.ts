import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { Migration, MigrationProvider } from 'kysely/migration';
import { webhookMigration } from '../webhooks/webhook-migration.js';
import { listingIndexesMigration } from './listing-indexes-migration.js';
import { reportColumnsMigration } from './report-columns-migration.js';
import { reportRollupsMigration } from './report-rollups-migration.js';
import { syncJobsMigration } from './sync-jobs-migration.js';

/** The SQL dialects the store runs on. */
export type StoreDialect = 'sqlite' | 'postgres';

/** Where the applied migrations are recorded (and, on PostgreSQL, the migration lock row). */
export const MIGRATION_TABLE = 'orderbridge_migration';
/** Kysely's migration lock table. */
export const MIGRATION_LOCK_TABLE = 'orderbridge_migration_lock';

/** Column types that differ between the dialects. */
interface ColumnTypes {
  /** Text compared byte by byte: the order of core's comparator for ids, keys and time keys. */
  sortableText: RawBuilder<unknown> | 'text';
  json: 'jsonb' | 'text';
}

function columnTypes(dialect: StoreDialect): ColumnTypes {
  return dialect === 'postgres'
    ? // PostgreSQL compares text with the database's collation (often en_US.UTF-8, which ignores
      // punctuation at first): "C" compares bytes, like SQLite's BINARY and core's compareText.
      { sortableText: sql`text collate "C"`, json: 'jsonb' }
    : { sortableText: 'text', json: 'text' };
}

/**
 * The first schema: orders with an indexed column for every canonical filter and sort, the change
 * log and the sync state. Statuses are plain text (no CHECK list): the vocabulary grows with core.
 */
function initialSchema(dialect: StoreDialect): Migration {
  const types = columnTypes(dialect);
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('orders')
        .addColumn('scope', 'text', (column) => column.notNull())
        .addColumn('key', types.sortableText, (column) => column.notNull())
        .addColumn('provider', 'text', (column) => column.notNull())
        .addColumn('order_id', types.sortableText, (column) => column.notNull())
        .addColumn('status', 'text', (column) => column.notNull())
        .addColumn('status_rank', 'integer', (column) => column.notNull())
        .addColumn('payment_status', 'text')
        .addColumn('fulfillment_status', 'text')
        .addColumn('provider_status_code', 'text', (column) => column.notNull())
        .addColumn('created_at', types.sortableText, (column) => column.notNull())
        .addColumn('updated_at', types.sortableText, (column) => column.notNull())
        .addColumn('currency', 'text', (column) => column.notNull())
        .addColumn('total_minor', 'bigint', (column) => column.notNull())
        .addColumn('total_value_units', 'bigint', (column) => column.notNull())
        .addColumn('total_value_fraction', 'integer', (column) => column.notNull())
        .addColumn('customer_id', 'text')
        .addColumn('merchant_id', 'text')
        .addColumn('search_text', 'text', (column) => column.notNull())
        .addColumn('document', types.json, (column) => column.notNull())
        .addColumn('content_hash', 'text', (column) => column.notNull())
        .addColumn('first_seen_at', 'text', (column) => column.notNull())
        .addColumn('last_seen_at', 'text', (column) => column.notNull())
        .addColumn('last_changed_at', 'text', (column) => column.notNull())
        .addColumn('last_seen_run', 'text', (column) => column.notNull())
        .addColumn('vanished_at', 'text')
        .addPrimaryKeyConstraint('orders_pkey', ['scope', 'key'])
        .execute();

      // One index per sort (scope, provider, sort columns, key): a listing reads each provider's
      // rows in index order and merges them, so every page is an index range scan, never a sort
      // of the whole table. Filters get (scope, provider, filter column, created_at, key), which
      // also serves them under the default sort (newest first).
      const indexes: Record<string, string[]> = {
        orders_by_created: ['created_at'],
        orders_by_updated: ['updated_at'],
        orders_by_id: ['order_id'],
        orders_by_status: ['status_rank'],
        orders_by_total: ['total_value_units', 'total_value_fraction'],
        orders_by_payment_status: ['payment_status', 'created_at'],
        orders_by_fulfillment_status: ['fulfillment_status', 'created_at'],
        orders_by_customer: ['customer_id', 'created_at'],
        orders_by_merchant: ['merchant_id', 'created_at'],
      };
      for (const [name, columns] of Object.entries(indexes)) {
        await db.schema
          .createIndex(name)
          .on('orders')
          .columns(['scope', 'provider', ...columns, 'key'])
          .execute();
      }

      let changes = db.schema.createTable('changes');
      changes =
        dialect === 'postgres'
          ? changes.addColumn('seq', 'bigint', (column) =>
              column.generatedAlwaysAsIdentity().primaryKey(),
            )
          : // AUTOINCREMENT: a seq is never reused, even after the newest rows were deleted.
            changes.addColumn('seq', 'integer', (column) => column.primaryKey().autoIncrement());
      await changes
        .addColumn('scope', 'text', (column) => column.notNull())
        .addColumn('key', 'text', (column) => column.notNull())
        .addColumn('provider', 'text', (column) => column.notNull())
        .addColumn('kind', 'text', (column) => column.notNull())
        .addColumn('diff', types.json)
        .addColumn('observed_at', 'text', (column) => column.notNull())
        .addColumn('run_id', 'text', (column) => column.notNull())
        .execute();
      await db.schema
        .createIndex('changes_by_scope')
        .on('changes')
        .columns(['scope', 'seq'])
        .execute();

      await db.schema
        .createTable('sync_state')
        .addColumn('scope', 'text', (column) => column.notNull())
        .addColumn('provider', 'text', (column) => column.notNull())
        .addColumn('watermark', 'text')
        .addColumn('progress', types.json)
        .addColumn('last_run', types.json)
        .addColumn('last_full_sweep_at', 'text')
        .addColumn('last_error', types.json)
        .addPrimaryKeyConstraint('sync_state_pkey', ['scope', 'provider'])
        .execute();

      await db.schema
        .createTable('store_meta')
        .addColumn('name', 'text', (column) => column.primaryKey())
        .addColumn('value', 'text', (column) => column.notNull())
        .execute();
    },
  };
}

/**
 * Every migration, by name, in the order they apply. Names sort in that order; a released
 * migration is never edited, a change is a new migration.
 */
export function storeMigrations(dialect: StoreDialect): Record<string, Migration> {
  return {
    '0001-initial': initialSchema(dialect),
    '0002-report-columns': reportColumnsMigration(),
    '0003-listing-indexes': listingIndexesMigration(),
    '0004-webhooks': webhookMigration(dialect),
    '0006-sync-jobs': syncJobsMigration(dialect),
    '0007-report-rollups': reportRollupsMigration(dialect),
  };
}

/** Kysely's migration provider over the migrations defined in code (no migration files to ship). */
export function storeMigrationProvider(dialect: StoreDialect): MigrationProvider {
  return { getMigrations: async () => storeMigrations(dialect) };
}
