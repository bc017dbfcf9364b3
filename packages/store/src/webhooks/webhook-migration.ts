import { type Kysely, sql } from 'kysely';
import type { Migration } from 'kysely/migration';
import type { StoreDialect } from '../schema/store-migrations.js';

/**
 * Migration 0004: outgoing webhooks. Endpoints per scope, the outbox of deliveries (written in the
 * same transaction as the change-log rows they announce) and the log of every delivery attempt.
 * Times are ISO 8601 UTC text (`toISOString`, always 24 characters), so they compare as text on
 * both dialects; flags are integers 0/1 for the same reason.
 */
export function webhookMigration(dialect: StoreDialect): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('webhook_endpoints')
        .addColumn('id', 'text', (column) => column.primaryKey())
        .addColumn('scope', 'text', (column) => column.notNull())
        .addColumn('url', 'text', (column) => column.notNull())
        .addColumn('description', 'text')
        // JSON arrays as text: the event types wanted, and the providers (null: every provider).
        .addColumn('events', 'text', (column) => column.notNull())
        .addColumn('providers', 'text')
        .addColumn('secret', 'text', (column) => column.notNull())
        .addColumn('enabled', 'integer', (column) => column.notNull())
        .addColumn('disabled_reason', 'text')
        .addColumn('disabled_at', 'text')
        .addColumn('failing_since', 'text')
        .addColumn('consecutive_failures', 'integer', (column) => column.notNull())
        .addColumn('created_at', 'text', (column) => column.notNull())
        .execute();
      await db.schema
        .createIndex('webhook_endpoints_by_scope')
        .on('webhook_endpoints')
        .columns(['scope', 'created_at', 'id'])
        .execute();

      await db.schema
        .createTable('webhook_deliveries')
        .addColumn('id', 'text', (column) => column.primaryKey())
        .addColumn('endpoint_id', 'text', (column) =>
          column.notNull().references('webhook_endpoints.id').onDelete('cascade'),
        )
        .addColumn('scope', 'text', (column) => column.notNull())
        .addColumn('change_seq', 'bigint', (column) => column.notNull())
        .addColumn('event_type', 'text', (column) => column.notNull())
        .addColumn('order_key', 'text', (column) => column.notNull())
        // The exact bytes that are signed and sent, on every attempt (text, not JSONB: JSONB
        // would reorder keys).
        .addColumn('payload', 'text', (column) => column.notNull())
        .addColumn('status', 'text', (column) => column.notNull())
        .addColumn('attempts', 'integer', (column) => column.notNull())
        .addColumn('created_at', 'text', (column) => column.notNull())
        .addColumn('next_attempt_at', 'text', (column) => column.notNull())
        .addColumn('lease_owner', 'text')
        .addColumn('lease_expires_at', 'text')
        .addColumn('last_attempt_at', 'text')
        .addColumn('delivered_at', 'text')
        .addColumn('last_error', 'text')
        .addUniqueConstraint('webhook_deliveries_once', ['endpoint_id', 'change_seq'])
        .execute();
      // The deliverer's claim: pending deliveries in due order. Partial on both dialects, so
      // delivered and dead rows never weigh on it.
      await db.schema
        .createIndex('webhook_deliveries_due')
        .on('webhook_deliveries')
        .columns(['next_attempt_at'])
        .where(sql.ref('status'), '=', 'pending')
        .execute();

      let attempts = db.schema.createTable('webhook_attempts');
      attempts =
        dialect === 'postgres'
          ? attempts.addColumn('id', 'bigint', (column) =>
              column.generatedAlwaysAsIdentity().primaryKey(),
            )
          : attempts.addColumn('id', 'integer', (column) => column.primaryKey().autoIncrement());
      await attempts
        .addColumn('delivery_id', 'text', (column) =>
          column.notNull().references('webhook_deliveries.id').onDelete('cascade'),
        )
        .addColumn('attempt', 'integer', (column) => column.notNull())
        .addColumn('started_at', 'text', (column) => column.notNull())
        .addColumn('duration_ms', 'integer', (column) => column.notNull())
        .addColumn('outcome', 'text', (column) => column.notNull())
        .addColumn('status_code', 'integer')
        .addColumn('error_class', 'text')
        .addColumn('error_message', 'text')
        .execute();
      await db.schema
        .createIndex('webhook_attempts_by_delivery')
        .on('webhook_attempts')
        .columns(['delivery_id', 'attempt'])
        .execute();
    },
  };
}
