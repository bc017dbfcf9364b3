import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

/**
 * `0003-listing-indexes`: indexes that let every documented filter and sort of a listing read an
 * index range in order (checked with EXPLAIN by `index-coverage` tests on both databases):
 * - the lifecycle status and the currency filters get (scope, provider, column, created_at, key)
 *   like the other filters, so under the default sort (newest first) they start at their value
 *   instead of skipping other rows of the creation index;
 * - the total sort always names one currency (core refuses it otherwise), so its index leads with
 *   the currency: a page is one range of that currency's totals, not a walk of every currency's.
 *   The first schema's (scope, provider, total) index can serve no valid query any more and is
 *   dropped, so writes do not pay for it.
 */
export function listingIndexesMigration(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      const indexes: Record<string, string[]> = {
        orders_by_status_created: ['status_rank', 'created_at'],
        orders_by_currency_created: ['currency', 'created_at'],
        orders_by_currency_total: ['currency', 'total_value_units', 'total_value_fraction'],
      };
      for (const [name, columns] of Object.entries(indexes)) {
        await db.schema
          .createIndex(name)
          .on('orders')
          .columns(['scope', 'provider', ...columns, 'key'])
          .execute();
      }
      await db.schema.dropIndex('orders_by_total').execute();
    },
  };
}
