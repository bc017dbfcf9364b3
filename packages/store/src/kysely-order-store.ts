import { createHash } from 'node:crypto';
import {
  InvalidQueryError,
  ORDER_STATUSES,
  type Order,
  type OrderQuery,
  parseOrderQuery,
  type SortField,
  sortOf,
} from '@orderbridge/core';
import {
  type CompiledQuery,
  type Expression,
  type ExpressionWrapper,
  expressionBuilder,
  type Insertable,
  type InsertQueryBuilder,
  type InsertResult,
  type Kysely,
  type RawBuilder,
  type SqlBool,
  sql,
  type Transaction,
} from 'kysely';
import { Migrator } from 'kysely/migration';
import { LRUCache } from 'lru-cache';
import { LeaseLostError } from './jobs/lease-lost-error.js';
import type { StoreFence } from './jobs/store-fence.js';
import {
  decodeListingCursor,
  encodeListingCursor,
  type ListingBinding,
  type ListingPosition,
  SORT_COLUMNS,
  type SortColumn,
} from './listing/listing-cursor.js';
import {
  type BatchResult,
  CHANGE_KINDS,
  type ChangeEntry,
  type ChangeKind,
  type ChangeQuery,
  DEFAULT_SCOPE,
  type FinishRun,
  type MigrationState,
  type OrderDiff,
  type OrderStore,
  type StoredOrder,
  type StoreListQuery,
  type StorePage,
  type StoreScope,
  type SyncProgress,
  type SyncState,
} from './order-store.js';
import { binaryArray, isBinaryArrayType } from './postgres/binary-array.js';
import { type OrderContent, orderContent } from './rows/order-content.js';
import { orderDiff } from './rows/order-diff.js';
import { orderRow, sortableTime, statusRank } from './rows/order-row.js';
import { MEASURED_COLUMNS, MEASURES, type MeasuredRow } from './rows/report-measures.js';
import { ROLLUP_PRIMARY_KEYS, ROLLUP_TABLES, RollupDeltas } from './rows/report-rollups.js';
import type { OrdersTable, StoreDatabase, SyncStateTable } from './schema/store-database.js';
import {
  MIGRATION_LOCK_TABLE,
  MIGRATION_TABLE,
  type StoreDialect,
  storeMigrationProvider,
} from './schema/store-migrations.js';
import { StoreUnavailableError } from './store-unavailable-error.js';
import { beginWebhookFanOut } from './webhooks/webhook-outbox.js';

/** Page size of `listOrders` when the query names none (the same as the order client's). */
const DEFAULT_LIST_LIMIT = 50;
/** Page size of `listChanges` when the query names none, and its largest. */
const DEFAULT_CHANGE_LIMIT = 100;
const MAX_CHANGE_LIMIT = 1000;
/**
 * Bound parameters per statement: SQLite allows 32,766 and PostgreSQL 65,535, so large batches
 * are written in chunks of at most this many parameters.
 */
const MAX_PARAMETERS = 30_000;
/** `store_meta` entry: the lifecycle vocabulary `status_rank` was computed with. */
const STATUS_VOCABULARY = 'order_statuses';

/**
 * Advisory lock classes (PostgreSQL's two-key form, a key space of its own): one serialises the
 * batches of one provider in one scope, the other the writers of one scope's change log.
 */
const PROVIDER_LOCK_CLASS = 0x4f42_0001;
const CHANGE_LOG_LOCK_CLASS = 0x4f42_0002;

/** Columns an upsert overwrites on an existing row: all but the key and `first_seen_at`. */
const UPDATED_COLUMNS = [
  'provider',
  'order_id',
  'status',
  'status_rank',
  'payment_status',
  'fulfillment_status',
  'provider_status_code',
  'created_at',
  'updated_at',
  'currency',
  'total_minor',
  'total_value_units',
  'total_value_fraction',
  'customer_id',
  'merchant_id',
  'search_text',
  'document',
  'content_hash',
  'last_seen_at',
  'last_changed_at',
  'last_seen_run',
  'vanished_at',
  'reference',
  'merchant_name',
  'provider_status_label',
  'refunded_minor',
  'refunded_currency',
  'fulfillment_done',
  'fulfillment_total',
  'created_week',
] as const satisfies ReadonlyArray<keyof OrdersTable>;

/** Columns a refresh (outside a sync run) overwrites: the run that last saw the row stays. */
const REFRESHED_COLUMNS = UPDATED_COLUMNS.filter((column) => column !== 'last_seen_run');

type Executor = Kysely<StoreDatabase> | Transaction<StoreDatabase>;

/** Array types of the columns that are not text, for PostgreSQL's `unnest` inserts. */
const POSTGRES_COLUMN_TYPES: Readonly<Record<string, string>> = {
  ...Object.fromEntries(MEASURES.map((measure) => [measure, 'bigint'])),
  status_rank: 'integer',
  total_minor: 'bigint',
  total_value_units: 'bigint',
  total_value_fraction: 'integer',
  refunded_minor: 'bigint',
  fulfillment_done: 'integer',
  fulfillment_total: 'integer',
  document: 'jsonb',
  diff: 'jsonb',
};

/** The store's database seen without table types, for statements whose table is a variable. */
type UntypedDatabase = Record<string, Record<string, unknown>>;
type UntypedInsert = InsertQueryBuilder<UntypedDatabase, string, InsertResult>;
/** What an insert does when a row's primary key exists: a clause added to the statement. */
type OnConflict = (query: UntypedInsert) => UntypedInsert;

/** A row that exists overwrites these columns with the inserted row's values. */
function overwrite(columns: readonly string[]): OnConflict {
  return (query) =>
    query.onConflict((conflict) =>
      conflict.columns(['scope', 'key']).doUpdateSet((eb) => {
        const set: Record<string, unknown> = {};
        for (const column of columns) set[column] = eb.ref(`excluded.${column}`);
        return set;
      }),
    );
}

/** A roll-up row that exists adds the inserted row's measures to its own. */
function sumOnConflict(table: (typeof ROLLUP_TABLES)[number]): OnConflict {
  return (query) =>
    query.onConflict((conflict) =>
      conflict.columns([...ROLLUP_PRIMARY_KEYS[table]]).doUpdateSet(() => {
        const set: Record<string, unknown> = {};
        for (const measure of MEASURES) {
          set[measure] = sql`${sql.ref(`${table}.${measure}`)} + ${sql.ref(`excluded.${measure}`)}`;
        }
        return set;
      }),
    );
}

/** A stored row as a write replacing it reads it: its document and what the roll-ups count. */
type PreviousRow = MeasuredRow & { document: string };

/** Runs one SQL statement once per parameter list, inside the current transaction. */
export type RunEach = (sql: string, parameterLists: ReadonlyArray<ReadonlyArray<unknown>>) => void;

/** One order of a batch, ready to write. */
interface PreparedOrder {
  order: Order;
  content: OrderContent;
}

/** A change row before it is written. */
interface PendingChange {
  key: string;
  kind: ChangeKind;
  diff: OrderDiff | null;
}

/**
 * The `OrderStore` on Kysely, for both SQLite and PostgreSQL. Every query is built with Kysely and
 * every value is a bound parameter; the few dialect differences (advisory locks, the substring
 * function) are chosen by `dialect`.
 */
export class KyselyOrderStore implements OrderStore {
  readonly dialect: StoreDialect;
  readonly #db: Kysely<StoreDatabase>;
  readonly #runEach: RunEach | undefined;
  readonly #fence: StoreFence | undefined;
  #migrator: Promise<Migrator> | undefined;
  /** Recent access-path verdicts, by scope, provider, sort field and filters (see `#accessPath`). */
  #accessPaths = new LRUCache<string, AccessPath>({
    max: ACCESS_PATH_CACHE_ENTRIES,
    ttl: ACCESS_PATH_TTL_MS,
  });

  /**
   * PostgreSQL: whether `orders` is known to have planner statistics (see `#ensureStatistics`).
   * Shared with the fenced views of the store.
   */
  #statistics: { known: boolean };

  /**
   * @param runEach SQLite only: runs a compiled statement once per parameter list on the
   * connection of the current transaction (see `NodeSqliteDialect.runEach`).
   */
  constructor(
    db: Kysely<StoreDatabase>,
    dialect: StoreDialect,
    runEach?: RunEach,
    fence?: StoreFence,
  ) {
    this.#db = db;
    this.dialect = dialect;
    this.#runEach = runEach;
    this.#fence = fence;
    this.#statistics = { known: dialect !== 'postgres' };
  }

  /**
   * The same store (same connections) whose sync writes are fenced by a sync job's lease: each
   * checks the lease generation inside its own transaction (see `StoreFence`). Closing the fenced
   * view does nothing; close the store it came from.
   */
  withFence(fence: StoreFence): OrderStore {
    if (this.dialect !== 'postgres') {
      throw new TypeError('Sync job leases need PostgreSQL: the SQLite store has no job table');
    }
    const fenced = new KyselyOrderStore(this.#db, this.dialect, this.#runEach, fence);
    fenced.#migrator = this.#migrator;
    fenced.#accessPaths = this.#accessPaths;
    fenced.#statistics = this.#statistics;
    return Object.assign(fenced, { close: async () => {} });
  }

  /**
   * With a fence: locks the job's row (FOR SHARE, until commit) and refuses the write unless its
   * lease generation is the fence's. The lock is what makes the check hold until commit: a worker
   * taking the job over (`FOR UPDATE SKIP LOCKED`, then a new generation) cannot do so while this
   * transaction runs, and once it has, this check reads the new generation.
   */
  async #checkFence(trx: Transaction<StoreDatabase>, scope: string, provider: string) {
    const fence = this.#fence;
    if (fence === undefined) return;
    if (fence.scope !== scope || fence.provider !== provider) {
      throw new LeaseLostError({
        message: `The lease on ${fence.scope}/${fence.provider} does not cover a write to ${scope}/${provider}`,
      });
    }
    const { rows } = await sql<{ generation: number }>`
      select lease_generation as generation from sync_jobs
      where scope = ${scope} and provider = ${provider}
      for share`.execute(trx);
    const current = rows[0]?.generation;
    if (current !== fence.generation) {
      throw new LeaseLostError({
        message: `Lease ${fence.generation} on the sync job ${scope}/${provider} was lost (the job is at lease ${current ?? 'none'}): this worker's write was refused`,
      });
    }
  }

  /** The query builder, for the read-only report queries (`reports/`); not part of `OrderStore`. */
  get reportDatabase(): Kysely<StoreDatabase> {
    return this.#db;
  }

  /**
   * Kysely's migrator, recording migrations in the schema the store's tables go to. On PostgreSQL
   * that is the connection's current schema (the first of its `search_path`): Kysely looks for its
   * tables in any schema unless told which, and would take another schema's for the store's own.
   */
  #getMigrator(): Promise<Migrator> {
    this.#migrator ??= (async () => {
      let schema: string | undefined;
      if (this.dialect === 'postgres') {
        const { rows } = await sql<{
          schema: string | null;
        }>`select current_schema() as schema`.execute(this.#db);
        schema = rows[0]?.schema ?? undefined;
        if (schema === undefined) {
          throw new StoreUnavailableError({
            message:
              'The PostgreSQL connection has no current schema: no schema of its search_path exists',
          });
        }
      }
      return new Migrator({
        db: this.#db,
        provider: storeMigrationProvider(this.dialect),
        migrationTableName: MIGRATION_TABLE,
        migrationLockTableName: MIGRATION_LOCK_TABLE,
        // Strict order (Kysely's default): a release ships its migrations together, so a database
        // that ran a later one without an earlier one was written by an unreleased build, and
        // applying the earlier one on top could rebuild what the later one changed.
        ...(schema !== undefined ? { migrationTableSchema: schema } : {}),
      });
    })();
    this.#migrator.catch(() => {
      this.#migrator = undefined;
    });
    return this.#migrator;
  }

  async migrations(): Promise<MigrationState[]> {
    const migrations = await (await this.#getMigrator()).getMigrations();
    return migrations.map((migration) => ({
      name: migration.name,
      executedAt: migration.executedAt ? migration.executedAt.toISOString() : null,
    }));
  }

  async migrate(): Promise<string[]> {
    const { error, results = [] } = await (await this.#getMigrator()).migrateToLatest();
    if (error !== undefined) {
      const failed = results.find((result) => result.status === 'Error');
      throw new StoreUnavailableError({
        message: `The store's migration ${failed ? `"${failed.migrationName}" ` : ''}failed: ${
          error instanceof Error ? error.message : String(error)
        }`,
        cause: error,
      });
    }
    await this.#rankStatuses();
    return results
      .filter((result) => result.status === 'Success')
      .map((result) => result.migrationName);
  }

  /**
   * Keeps `status_rank` in step with core's lifecycle order. The rank is stored so the `status`
   * sort is an index scan; when a newer core adds or reorders statuses, every row is re-ranked
   * once, on the first open by that version.
   */
  async #rankStatuses(): Promise<void> {
    const vocabulary = JSON.stringify(ORDER_STATUSES);
    const stored = await this.#db
      .selectFrom('store_meta')
      .select('value')
      .where('name', '=', STATUS_VOCABULARY)
      .executeTakeFirst();
    if (stored?.value === vocabulary) return;
    await this.#db.transaction().execute(async (trx) => {
      // Literal ranks (our own small integers): PostgreSQL would type bound ones as text here.
      const ranks = ORDER_STATUSES.map(
        (status) => sql`when ${status} then ${sql.lit(statusRank(status))}`,
      );
      await trx
        .updateTable('orders')
        .set({
          status_rank: sql<number>`case ${sql.ref('status')} ${sql.join(ranks, sql` `)} else -1 end`,
        })
        .execute();
      await trx
        .insertInto('store_meta')
        .values({ name: STATUS_VOCABULARY, value: vocabulary })
        .onConflict((conflict) => conflict.column('name').doUpdateSet({ value: vocabulary }))
        .execute();
    });
  }

  async applyBatch(batch: Parameters<OrderStore['applyBatch']>[0]): Promise<BatchResult> {
    const scope = batch.scope ?? DEFAULT_SCOPE;
    const prepared = prepareOrders('applyBatch', batch.provider, batch.orders);
    const result = await this.#db.transaction().execute(async (trx) => {
      // The fence's row lock (FOR SHARE, compatible with another share) is held until commit.
      await this.#checkFence(trx, scope, batch.provider);
      const result = await this.#writeOrders(trx, {
        scope,
        provider: batch.provider,
        observedAt: batch.observedAt,
        runId: batch.runId,
        prepared,
        isRun: true,
      });
      // The caller's counts do not include this batch yet: the position written with the batch
      // must, so a run resumed from it reports exact totals.
      const counts = batch.progress.counts;
      await this.#writeProgress(trx, scope, batch.provider, {
        ...batch.progress,
        counts: {
          ...counts,
          created: counts.created + result.created,
          updated: counts.updated + result.updated,
          unchanged: counts.unchanged + result.unchanged,
        },
      });
      return result;
    });
    await this.#ensureStatistics(result.created);
    return result;
  }

  async refreshOrders(observed: Parameters<OrderStore['refreshOrders']>[0]): Promise<BatchResult> {
    const scope = observed.scope ?? DEFAULT_SCOPE;
    const prepared = prepareOrders('refreshOrders', observed.provider, observed.orders);
    const result = await this.#db.transaction().execute(async (trx) => {
      const result = await this.#writeOrders(trx, {
        scope,
        provider: observed.provider,
        observedAt: observed.observedAt,
        runId: observed.observationId,
        prepared,
        isRun: false,
      });
      // Listings find a scope's providers through their sync-state rows: one is created (empty)
      // when a webhook brings the first order of a provider, and an existing one is left alone.
      await trx
        .insertInto('sync_state')
        .values(emptySyncState(scope, observed.provider))
        .onConflict((conflict) => conflict.columns(['scope', 'provider']).doNothing())
        .execute();
      return result;
    });
    await this.#ensureStatistics(result.created);
    return result;
  }

  /**
   * PostgreSQL: gives `orders` planner statistics once it first holds rows, if it has none (a new
   * store). Without them the planner takes `scope = $1` for 0.5% of the table, and looks a batch's
   * keys up (`scope = $1 and key = any($2)`) through the smallest index that starts with `scope`,
   * reading every row of the scope, for every batch, until autovacuum first analyzes the table:
   * up to a minute into a sync to an empty store, with 150–300 ms per 1,000-order batch at 100,000
   * orders. With statistics the primary key is used. Run after the batch commits, outside its
   * transaction: `ANALYZE` takes a lock that two writers must not hold while they wait on each
   * other. Checked once per store (a cheap catalog read); autovacuum keeps them current after.
   */
  async #ensureStatistics(created: number): Promise<void> {
    if (this.#statistics.known || created === 0) return;
    this.#statistics.known = true;
    try {
      const { rows } = await sql<{ analyzed: boolean }>`
        select exists (
          select from pg_stats
          where schemaname = current_schema() and tablename = 'orders' and attname = 'scope'
        ) as analyzed`.execute(this.#db);
      if (rows[0]?.analyzed !== true) await sql`analyze orders`.execute(this.#db);
    } catch {
      // The batch is committed; statistics only speed the next ones up, and autovacuum will
      // gather them anyway. (A role that does not own the table gets a warning, not an error.)
    }
  }

  /**
   * The one write path of orders, shared by sync batches and refreshes: reads the stored hashes of
   * the keys, inserts new keys (`created`), writes changed ones with their diff (`updated`), only
   * touches the rest, and logs the changes. With `isRun` false (a refresh outside any run) an
   * existing row keeps `last_seen_run`: a sync run walking at the same time counts the order as
   * seen by it, and its vanish check must not mistake the refresh for another run.
   */
  async #writeOrders(
    trx: Transaction<StoreDatabase>,
    write: {
      scope: string;
      provider: string;
      observedAt: string;
      runId: string;
      prepared: ReadonlyMap<string, PreparedOrder>;
      isRun: boolean;
    },
  ): Promise<BatchResult> {
    const { scope, prepared } = write;
    const context = { scope, observedAt: write.observedAt, runId: write.runId };
    await this.#lockProvider(trx, scope, write.provider);
    const existing = new Map<string, { hash: string; vanished: boolean }>();
    for (const chunk of chunks([...prepared.keys()], MAX_PARAMETERS)) {
      const rows = await trx
        .selectFrom('orders')
        .select(['key', 'content_hash', 'vanished_at'])
        .where('scope', '=', scope)
        .where(this.#keyIn(chunk))
        .execute();
      for (const row of rows) {
        existing.set(row.key, { hash: row.content_hash, vanished: row.vanished_at !== null });
      }
    }

    const created: OrdersTable[] = [];
    const written: OrdersTable[] = [];
    const unchanged: string[] = [];
    const changes: PendingChange[] = [];
    const candidates: PreparedOrder[] = [];
    for (const [key, entry] of prepared) {
      const before = existing.get(key);
      if (before === undefined) {
        created.push(orderRow(entry.order, entry.content, context));
        changes.push({ key, kind: 'created', diff: null });
      } else if (before.hash !== entry.content.hash || before.vanished) {
        candidates.push(entry);
      } else {
        unchanged.push(key);
      }
    }

    // A different hash is a candidate change: the documents are compared field by field, and
    // one whose only difference is key order is not a change (see `orderContent`); its new
    // text and hash are stored so the next equal copy matches at once.
    let updated = 0;
    const rewritten: PreparedOrder[] = [];
    // The stored rows the written ones replace: the roll-ups subtract them.
    const replaced: MeasuredRow[] = [];
    if (candidates.length > 0) {
      const previous = await this.#previousRows(
        trx,
        scope,
        candidates.map((entry) => entry.order.key),
      );
      for (const entry of candidates) {
        const key = entry.order.key;
        const stored = previous.get(key) as PreviousRow;
        const before = JSON.parse(stored.document) as Omit<Order, 'raw'>;
        const reappeared = existing.get(key)?.vanished === true;
        const diff = orderDiff(before, entry.content.content, reappeared);
        if (diff.fields.length === 0 && !reappeared) {
          rewritten.push(entry);
          unchanged.push(key);
          continue;
        }
        written.push(orderRow(entry.order, entry.content, context));
        replaced.push(stored);
        changes.push({ key, kind: 'updated', diff });
        updated++;
      }
    }

    // New keys are plain inserts: no other writer can add them meanwhile (the provider lock on
    // PostgreSQL, the exclusive transaction on SQLite), and an upsert's conflict check costs.
    await this.#insertRows(trx, 'orders', created);
    await this.#insertRows(
      trx,
      'orders',
      written,
      overwrite(write.isRun ? UPDATED_COLUMNS : REFRESHED_COLUMNS),
    );
    const rollups = new RollupDeltas(scope);
    for (const row of replaced) rollups.add(row, -1);
    for (const row of [...created, ...written]) rollups.add(row, 1);
    await this.#applyRollups(trx, rollups);
    for (const entry of rewritten) {
      await trx
        .updateTable('orders')
        .set({ document: entry.content.json, content_hash: entry.content.hash })
        .where('scope', '=', scope)
        .where('key', '=', entry.order.key)
        .execute();
    }
    const seen = write.isRun
      ? { last_seen_at: write.observedAt, last_seen_run: write.runId }
      : { last_seen_at: write.observedAt };
    for (const chunk of chunks(unchanged, MAX_PARAMETERS)) {
      await trx
        .updateTable('orders')
        .set(seen)
        .where('scope', '=', scope)
        .where(this.#keyIn(chunk))
        .execute();
    }
    await this.#logChanges(trx, scope, write.provider, write.observedAt, write.runId, changes);
    if (prepared.size > 0) await this.#markSeen(trx, scope, write.provider, write.observedAt);
    return { created: changes.length - updated, updated, unchanged: unchanged.length };
  }

  /**
   * Inserts rows the fastest way the dialect offers; with `updateOnConflict`, a row whose
   * (scope, key) exists overwrites those columns instead.
   * - SQLite: one single-row statement, compiled by Kysely once and run for each row through
   *   `runEach` (one prepared statement, the insert floor's own method; multi-row VALUES
   *   measured slower).
   * - PostgreSQL: one statement per batch whatever its size, `insert … select * from unnest($1,
   *   $2, …)` with one array parameter per column: the server parses and plans 26 parameters
   *   instead of 26 per row, and the text is the same for every batch.
   */
  async #insertRows<Table extends 'orders' | 'changes' | (typeof ROLLUP_TABLES)[number]>(
    trx: Transaction<StoreDatabase>,
    table: Table,
    rows: ReadonlyArray<Insertable<StoreDatabase[Table]>>,
    onConflict?: OnConflict,
  ): Promise<void> {
    const [first] = rows;
    if (first === undefined) return;
    const columns = Object.keys(first) as Array<keyof typeof first & string>;
    // Kysely's types cannot follow a table chosen at run time; the rows are typed by the caller.
    const untyped = trx as unknown as Kysely<UntypedDatabase>;
    const into: string = table;
    const withConflict = onConflict ?? ((query: UntypedInsert) => query);

    if (this.#runEach === undefined) {
      const arrays = columns.map((column) => {
        const type = POSTGRES_COLUMN_TYPES[column] ?? 'text';
        const values = rows.map((row) => row[column]);
        const parameter = (isBinaryArrayType(type) && binaryArray(values, type)) || values;
        return sql`${parameter}::${sql.raw(type)}[]`;
      });
      await withConflict(
        untyped
          .insertInto(into)
          .columns(columns)
          .expression(sql`select * from unnest(${sql.join(arrays)})`),
      ).execute();
      return;
    }
    const compiled = withConflict(
      untyped.insertInto(into).values(first as Record<string, unknown>),
    ).compile();
    // Kysely binds an inserted row's values in the order of its keys; checked once, so a change
    // in Kysely could never bind a value to the wrong column.
    if (
      compiled.parameters.length !== columns.length ||
      columns.some((column, index) => compiled.parameters[index] !== first[column])
    ) {
      throw new Error("The store cannot reuse Kysely's insert statement: parameters out of order");
    }
    this.#runEach(
      compiled.sql,
      rows.map((row) => columns.map((column) => row[column])),
    );
  }

  /**
   * `key` is one of `keys`: on PostgreSQL `key = any($1)` with one array parameter (one plan
   * whatever the count), on SQLite `key in (?, ?, …)`.
   */
  #keyIn(keys: readonly string[]): Expression<SqlBool> {
    return this.dialect === 'postgres'
      ? sql<SqlBool>`${sql.ref('key')} = any(${keys}::text[])`
      : sql<SqlBool>`${sql.ref('key')} in (${sql.join(keys)})`;
  }

  /** The stored rows of some keys of a scope, by key: documents and the roll-ups' columns. */
  async #previousRows(
    executor: Executor,
    scope: string,
    keys: readonly string[],
  ): Promise<Map<string, PreviousRow>> {
    const previous = new Map<string, PreviousRow>();
    for (const chunk of chunks(keys, MAX_PARAMETERS)) {
      const rows = await executor
        .selectFrom('orders')
        .select(['key', 'document', ...MEASURED_COLUMNS])
        .where('scope', '=', scope)
        .where(this.#keyIn(chunk))
        .execute();
      for (const row of rows) previous.set(row.key, row);
    }
    return previous;
  }

  /**
   * Keeps `sync_state.last_seen_at` at the latest time any of the provider's orders was seen:
   * every write sets its orders' `last_seen_at` to its `observedAt`, so the latest of those is the
   * orders' own maximum, which the reports' freshness then reads without a scan of the orders.
   * The row is created when missing (the first batch of a run, the first refresh of a provider).
   */
  async #markSeen(
    trx: Transaction<StoreDatabase>,
    scope: string,
    provider: string,
    observedAt: string,
  ): Promise<void> {
    const stored = sql.ref('sync_state.last_seen_at');
    const seen = sql.ref('excluded.last_seen_at');
    await trx
      .insertInto('sync_state')
      .values({ ...emptySyncState(scope, provider), last_seen_at: observedAt })
      .onConflict((conflict) =>
        conflict.columns(['scope', 'provider']).doUpdateSet({
          last_seen_at: sql<string>`case when ${stored} is null or ${stored} < ${seen} then ${seen} else ${stored} end`,
        }),
      )
      .execute();
  }

  /**
   * Adds one write's changes to the roll-up tables, in its transaction: one statement per table
   * (PostgreSQL) or one prepared statement run per changed group (SQLite), adding to the groups
   * that exist. Writers of one provider in one scope are serialised already (`#lockProvider`),
   * and groups never span providers or scopes, so concurrent writers do not wait on each other.
   */
  async #applyRollups(trx: Transaction<StoreDatabase>, rollups: RollupDeltas): Promise<void> {
    for (const table of ROLLUP_TABLES) {
      // Typed by `ROLLUP_KEYS` and `MEASURES` at run time; Kysely cannot follow the table union.
      const rows = rollups.rows(table) as unknown as ReadonlyArray<
        Insertable<StoreDatabase[typeof table]>
      >;
      await this.#insertRows(trx, table, rows, sumOnConflict(table));
    }
  }

  /**
   * Serialises writers of one provider in one scope on PostgreSQL, so two concurrent syncs of the
   * same provider cannot both read a key as new and both log it `created` (READ COMMITTED lets
   * each see only what was committed before its read). SQLite needs nothing: `BEGIN IMMEDIATE`
   * already makes every write transaction exclusive.
   */
  async #lockProvider(trx: Transaction<StoreDatabase>, scope: string, provider: string) {
    if (this.dialect !== 'postgres') return;
    await sql`select pg_advisory_xact_lock(${PROVIDER_LOCK_CLASS}, ${lockKey(`${scope}\u0000${provider}`)})`.execute(
      trx,
    );
  }

  /**
   * Appends change-log entries. On PostgreSQL a transaction-scoped advisory lock on the scope's
   * change log is taken first and held until commit. Why: `seq` comes from a sequence when the
   * row is inserted, not when it commits, so without the lock transaction A could take seq 10,
   * B seq 11, and B commit first; a feed reader that read `seq > 9` then would see 11, move its
   * position past it, and never see 10. With the lock, whoever inserts change rows into a scope
   * has every earlier inserter's transaction committed (or rolled back), so seq order is commit
   * order within a scope, which is what a reader of `seq > N` relies on. The lock is taken as late
   * as possible (the rest of the batch is already written) so it is held only for the tail.
   * SQLite commits one write transaction at a time, so its order is commit order already.
   */
  async #logChanges(
    trx: Transaction<StoreDatabase>,
    scope: string,
    provider: string,
    observedAt: string,
    runId: string,
    changes: readonly PendingChange[],
  ): Promise<void> {
    if (changes.length === 0) return;
    if (this.dialect === 'postgres') {
      await sql`select pg_advisory_xact_lock(${CHANGE_LOG_LOCK_CLASS}, ${lockKey(scope)})`.execute(
        trx,
      );
    }
    // Outgoing webhooks: the outbox rows are written in this transaction, with the changes.
    const webhookFanOut = await beginWebhookFanOut(trx, scope);
    const rows = changes.map((change) => ({
      scope,
      key: change.key,
      provider,
      kind: change.kind,
      diff: change.diff === null ? null : JSON.stringify(change.diff),
      observed_at: observedAt,
      run_id: runId,
    }));
    await this.#insertRows(trx, 'changes', rows);
    await webhookFanOut?.enqueue();
  }

  async #writeProgress(
    executor: Executor,
    scope: string,
    provider: string,
    progress: SyncProgress,
  ): Promise<void> {
    const json = JSON.stringify(progress);
    await executor
      .insertInto('sync_state')
      .values({ ...emptySyncState(scope, provider), progress: json })
      .onConflict((conflict) =>
        conflict.columns(['scope', 'provider']).doUpdateSet({ progress: json }),
      )
      .execute();
  }

  async beginRun(scope: StoreScope, provider: string, progress: SyncProgress): Promise<void> {
    if (this.#fence === undefined) {
      await this.#writeProgress(this.#db, scope, provider, progress);
      return;
    }
    await this.#db.transaction().execute(async (trx) => {
      await this.#checkFence(trx, scope, provider);
      await this.#writeProgress(trx, scope, provider, progress);
    });
  }

  async finishRun(finish: FinishRun): Promise<number> {
    const scope = finish.scope ?? DEFAULT_SCOPE;
    return this.#db.transaction().execute(async (trx) => {
      await this.#lockProvider(trx, scope, finish.provider);
      await this.#checkFence(trx, scope, finish.provider);
      let vanishedKeys: string[] = [];
      if (finish.vanishedRange !== undefined) {
        const range = finish.vanishedRange;
        let update = trx
          .updateTable('orders')
          .set({ vanished_at: finish.finishedAt })
          .where('scope', '=', scope)
          .where('provider', '=', finish.provider)
          .where('vanished_at', 'is', null)
          .where('last_seen_run', '<>', finish.runId)
          .where('created_at', '<=', sortableTime(range.to));
        if (range.from !== undefined) {
          update = update.where('created_at', '>=', sortableTime(range.from));
        }
        const rows = await update.returning(['key', ...MEASURED_COLUMNS]).execute();
        vanishedKeys = rows.map((row) => row.key).sort();
        // The rows counted until now: what they were before this update set `vanished_at`.
        const rollups = new RollupDeltas(scope);
        for (const row of rows) rollups.add({ ...row, vanished_at: null }, -1);
        await this.#applyRollups(trx, rollups);
        await this.#logChanges(
          trx,
          scope,
          finish.provider,
          finish.finishedAt,
          finish.runId,
          vanishedKeys.map((key) => ({ key, kind: 'vanished', diff: null })),
        );
      }

      const current = await trx
        .selectFrom('sync_state')
        .selectAll()
        .where('scope', '=', scope)
        .where('provider', '=', finish.provider)
        .executeTakeFirst();
      const progress = current?.progress ? (JSON.parse(current.progress) as SyncProgress) : null;
      const lastRun: NonNullable<SyncState['lastRun']> = {
        runId: finish.runId,
        mode: progress?.mode ?? (finish.fullSweep ? 'full' : 'incremental'),
        startedAt: progress?.startedAt ?? finish.finishedAt,
        finishedAt: finish.finishedAt,
        // The store is the one that marks orders vanished, so its count is the true one.
        counts: { ...finish.counts, vanished: vanishedKeys.length },
        requests: finish.requests,
      };
      const state = {
        watermark: finish.watermark ?? current?.watermark ?? null,
        progress: null,
        last_run: JSON.stringify(lastRun),
        last_full_sweep_at: finish.fullSweep
          ? finish.finishedAt
          : (current?.last_full_sweep_at ?? null),
        last_error: null,
      };
      await trx
        .insertInto('sync_state')
        .values({ scope, provider: finish.provider, ...state })
        .onConflict((conflict) => conflict.columns(['scope', 'provider']).doUpdateSet(state))
        .execute();
      return vanishedKeys.length;
    });
  }

  async failRun(
    scope: StoreScope,
    provider: string,
    error: { message: string; code: string | null },
  ): Promise<void> {
    const lastError = JSON.stringify({
      at: new Date().toISOString(),
      message: error.message,
      code: error.code,
    });
    await this.#db.transaction().execute(async (trx) => {
      await this.#checkFence(trx, scope, provider);
      await trx
        .insertInto('sync_state')
        .values({ ...emptySyncState(scope, provider), last_error: lastError })
        .onConflict((conflict) =>
          conflict.columns(['scope', 'provider']).doUpdateSet({ last_error: lastError }),
        )
        .execute();
    });
  }

  async syncState(scope: StoreScope, provider: string): Promise<SyncState | null> {
    const row = await this.#db
      .selectFrom('sync_state')
      .selectAll()
      .where('scope', '=', scope)
      .where('provider', '=', provider)
      .executeTakeFirst();
    return row ? syncStateOf(row) : null;
  }

  async syncStates(scope?: StoreScope): Promise<SyncState[]> {
    let query = this.#db.selectFrom('sync_state').selectAll();
    if (scope !== undefined) query = query.where('scope', '=', scope);
    const rows = await query.orderBy('scope').orderBy('provider').execute();
    return rows.map(syncStateOf);
  }

  async getOrder(key: string, scope: StoreScope = DEFAULT_SCOPE): Promise<StoredOrder | null> {
    const row = await this.#db
      .selectFrom('orders')
      .select([
        'document',
        'first_seen_at',
        'last_seen_at',
        'last_changed_at',
        'vanished_at',
        'content_hash',
      ])
      .where('scope', '=', scope)
      .where('key', '=', key)
      .executeTakeFirst();
    if (row === undefined) return null;
    return {
      order: JSON.parse(row.document) as Order,
      firstSeenAt: row.first_seen_at,
      lastSeenAt: row.last_seen_at,
      lastChangedAt: row.last_changed_at,
      vanishedAt: row.vanished_at,
      contentHash: row.content_hash,
    };
  }

  async countOrders(scope: StoreScope = DEFAULT_SCOPE, provider?: string): Promise<number> {
    let query = this.#db
      .selectFrom('orders')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .where('scope', '=', scope)
      .where('vanished_at', 'is', null);
    if (provider !== undefined) query = query.where('provider', '=', provider);
    const row = await query.executeTakeFirstOrThrow();
    return Number(row.count);
  }

  /**
   * What a listing reads: the validated query, its cursor position and page size, and one
   * statement per provider. Each provider's rows are read in index order (scope, provider, sort
   * columns, key), at most limit + 1 of them, and the union is merged by the same order: every
   * page is a handful of index range scans whatever the table size, never an OFFSET or a sort of
   * all rows.
   */
  async #planListing(listing: StoreListQuery) {
    const query = parseOrderQuery(listing.query);
    const scope = listing.scope ?? DEFAULT_SCOPE;
    const includeVanished = listing.includeVanished ?? false;
    const { field, direction } = sortOf(query);
    const binding: ListingBinding = {
      scope,
      query,
      providers: listing.providers,
      includeVanished,
    };
    const after =
      query.cursor === undefined ? undefined : decodeListingCursor(query.cursor, binding, field);
    const limit = query.limit ?? DEFAULT_LIST_LIMIT;
    const providers =
      listing.providers !== undefined
        ? [...new Set(listing.providers)].sort()
        : await this.#providersOf(scope);
    const columns: readonly SortColumn[] = SORT_COLUMNS[field];
    const perProvider = await Promise.all(
      providers.map(async (provider) =>
        this.#providerListing(
          scope,
          provider,
          query,
          includeVanished,
          columns,
          direction,
          after,
          limit + 1,
          await this.#accessPath(scope, provider, query, field),
        ),
      ),
    );
    return { binding, columns, direction, limit, perProvider };
  }

  /**
   * With a filter and a sort by another field, a planner that assumes the filter's matches are
   * spread evenly may walk the sort's index over every row of a provider that has few or none of
   * them (a FlexFactor order is never `unfulfilled`): SQLite keeps no per-value statistics, and
   * PostgreSQL's are per column, not per provider. So the matches of each indexed filter are
   * counted on their own index first (an index-only count, stopped at `FEW_MATCHES`): few → read
   * them through that index and sort them (at most that many rows); many → walk the sort's
   * index, where a page's matches come soon. A sort by creation time is served by every filter's
   * index in order, and a provider with fewer rows than that in all is cheap whatever the plan:
   * both are left to the planner.
   *
   * The counts are one statement (one round trip on PostgreSQL, however many filters), and the
   * verdict is kept for `ACCESS_PATH_TTL_MS`: a listing's follow-up pages and a dashboard's
   * repeated queries ask the same question, and a verdict that has gone stale (a sync moved a
   * filter across `FEW_MATCHES`) only costs time on the pages read meanwhile, never a row: every
   * path reads the same rows in the same order.
   */
  async #accessPath(
    scope: string,
    provider: string,
    query: OrderQuery,
    field: SortField,
  ): Promise<AccessPath> {
    const filters = indexedFilters(query).filter((filter) => !leadsSortIndex(filter, field));
    if (field === 'createdAt' || filters.length === 0) {
      return 'planner';
    }
    const key = JSON.stringify([scope, provider, field, filters]);
    const known = this.#accessPaths.get(key);
    if (known !== undefined) return known;
    const { total, perFilter } = await this.#countUpTo(scope, provider, filters);
    let path: AccessPath;
    // A provider with few rows in all is cheap to read any way: its planner decides.
    if (total < FEW_MATCHES) {
      path = 'planner';
    } else {
      const fewest = Math.min(...perFilter);
      path =
        fewest < FEW_MATCHES
          ? { filterIndex: filters[perFilter.indexOf(fewest)]!.column }
          : 'sort-index';
    }
    this.#accessPaths.set(key, path);
    return path;
  }

  /**
   * The statements a listing runs against the orders table, one per provider, compiled (not
   * run): what the index coverage tests hand to `EXPLAIN`. Not part of `OrderStore`.
   * @throws InvalidQueryError as `listOrders` does.
   */
  async listingStatements(listing: StoreListQuery): Promise<CompiledQuery[]> {
    const { perProvider } = await this.#planListing(listing);
    return perProvider.map((statement) => statement.compile());
  }

  async listOrders(listing: StoreListQuery): Promise<StorePage> {
    const { binding, columns, direction, limit, perProvider } = await this.#planListing(listing);
    if (perProvider.length === 0) return { orders: [], nextCursor: null };
    type ListingRow = { key: string; document: string } & Record<SortColumn, string | number>;
    let rows: ListingRow[];
    if (perProvider.length === 1) {
      rows = (await perProvider[0]!.execute()) as ListingRow[];
    } else {
      const parts = perProvider.map((part, index) =>
        this.#db.selectFrom(part.as(`provider_${index}`)).selectAll(),
      );
      let union = parts[0]!;
      for (const part of parts.slice(1)) union = union.unionAll(part);
      let merged = this.#db.selectFrom(union.as('merged')).selectAll();
      for (const column of columns) merged = merged.orderBy(column, direction);
      rows = (await merged
        .orderBy('key', direction)
        .limit(limit + 1)
        .execute()) as ListingRow[];
    }

    const page = rows.slice(0, limit);
    const last = page.at(-1);
    const nextCursor =
      rows.length > limit && last !== undefined
        ? encodeListingCursor(
            { values: columns.map((column) => last[column]), key: last.key },
            binding,
          )
        : null;
    return { orders: page.map((row) => JSON.parse(row.document) as Order), nextCursor };
  }

  /** The providers a scope holds orders of: every one has a sync-state row (applyBatch writes it). */
  async #providersOf(scope: string): Promise<string[]> {
    const rows = await this.#db
      .selectFrom('sync_state')
      .select('provider')
      .where('scope', '=', scope)
      .orderBy('provider')
      .execute();
    return rows.map((row) => row.provider);
  }

  #providerListing(
    scope: string,
    provider: string,
    query: OrderQuery,
    includeVanished: boolean,
    columns: readonly SortColumn[],
    direction: 'asc' | 'desc',
    after: ListingPosition | undefined,
    limit: number,
    access: AccessPath,
  ) {
    let select = this.#db
      .selectFrom('orders')
      .select(['key', 'document', ...columns])
      .where('scope', '=', scope)
      .where('provider', '=', provider);
    if (!includeVanished) select = select.where('vanished_at', 'is', null);
    const field = sortOf(query).field;
    for (const filter of indexedFilters(query)) {
      // Along the sort's index, every filter is kept off its own index (see `#offIndex`) except
      // one on the column that leads the sort's index, a range of it; through one filter's index,
      // every other filter is kept off its index.
      const isKeptOffIndex =
        access === 'sort-index'
          ? !leadsSortIndex(filter, field)
          : typeof access === 'object' && access.filterIndex !== filter.column;
      select = select.where(
        filterCondition(filter, isKeptOffIndex ? this.#offIndex(filter.column) : filter.column),
      );
    }
    if (query.search !== undefined) {
      select = select.where(this.#contains(query.search.toLowerCase()));
    }
    if (after !== undefined) {
      // A row comparison, (c1, c2, key) > (v1, v2, k): both dialects compare it lexicographically
      // and both use it as the start of an index range.
      const left = sql.join([...columns, 'key'].map((column) => sql.ref(column)));
      const right = sql.join([...after.values, after.key]);
      select = select.where(
        direction === 'asc'
          ? sql<SqlBool>`(${left}) > (${right})`
          : sql<SqlBool>`(${left}) < (${right})`,
      );
    }
    // Through a filter's index, the order is kept off the sort's index (see `#offIndex`): the few
    // matching rows are sorted instead of the sort's index being walked for them.
    const orderTerm = (column: SortColumn | 'key') =>
      typeof access === 'object' ? this.#offIndex(column) : sql.ref(column);
    for (const column of columns) select = select.orderBy(orderTerm(column), direction);
    return select.orderBy(orderTerm('key'), direction).limit(limit);
  }

  /**
   * Rows of a provider, in all and matching each filter, each counted on an index up to
   * `FEW_MATCHES`, in one statement.
   */
  async #countUpTo(
    scope: string,
    provider: string,
    filters: readonly IndexedFilter[],
  ): Promise<{ total: number; perFilter: number[] }> {
    const counted = (filter: IndexedFilter | undefined) => {
      let matching = this.#db
        .selectFrom('orders')
        .select(sql<number>`1`.as('one'))
        .where('scope', '=', scope)
        .where('provider', '=', provider);
      if (filter !== undefined) matching = matching.where(filterCondition(filter, filter.column));
      return this.#db
        .selectFrom(matching.limit(FEW_MATCHES).as('matching'))
        .select((eb) => eb.fn.countAll<number>().as('count'));
    };
    const row = (await this.#db
      .selectNoFrom([
        counted(undefined).as('total'),
        ...filters.map((filter, index) => counted(filter).as(`filter_${index}`)),
      ])
      .executeTakeFirstOrThrow()) as Record<string, number | string | bigint>;
    return {
      total: Number(row.total),
      perFilter: filters.map((_filter, index) => Number(row[`filter_${index}`])),
    };
  }

  /**
   * A column as an expression no index serves, the same value and order: SQLite's documented
   * unary `+` (https://sqlite.org/optoverview.html#disqualifying_where_clause_terms_using_unary_),
   * on PostgreSQL `+ 0` for numbers and `|| ''` for text (which keeps the column's "C" collation).
   */
  #offIndex(column: SortColumn | IndexedFilter['column'] | 'key') {
    if (this.dialect === 'sqlite') return sql<string | number>`+${sql.ref(column)}`;
    return NUMERIC_COLUMNS.has(column)
      ? sql<string | number>`(${sql.ref(column)} + 0)`
      : sql<string | number>`(${sql.ref(column)} || '')`;
  }

  /** `search_text` contains the (lower-cased) needle, as a plain substring: no LIKE wildcards. */
  #contains(needle: string): Expression<SqlBool> {
    return this.dialect === 'postgres'
      ? sql<SqlBool>`strpos(${sql.ref('search_text')}, ${needle}) > 0`
      : sql<SqlBool>`instr(${sql.ref('search_text')}, ${needle}) > 0`;
  }

  async listChanges(query: ChangeQuery): Promise<ChangeEntry[]> {
    const scope = query.scope ?? DEFAULT_SCOPE;
    const after = query.after ?? 0;
    const limit = query.limit ?? DEFAULT_CHANGE_LIMIT;
    const issues: Array<{ field: string; message: string }> = [];
    if (!Number.isSafeInteger(after) || after < 0) {
      issues.push({ field: 'after', message: 'must be a whole number of at least 0' });
    }
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_CHANGE_LIMIT) {
      issues.push({
        field: 'limit',
        message: `must be a whole number from 1 to ${MAX_CHANGE_LIMIT}`,
      });
    }
    const kinds = listOf(query.kind);
    for (const kind of kinds ?? []) {
      if (!(CHANGE_KINDS as readonly string[]).includes(kind)) {
        issues.push({ field: 'kind', message: `must be one of ${CHANGE_KINDS.join(', ')}` });
      }
    }
    if (issues.length > 0) throw new InvalidQueryError({ issues });

    let select = this.#db
      .selectFrom('changes')
      .selectAll()
      .where('scope', '=', scope)
      .where('seq', '>', after);
    const providers = listOf(query.provider);
    if (providers?.length === 0 || kinds?.length === 0) return [];
    if (providers !== undefined) select = select.where('provider', 'in', providers);
    if (kinds !== undefined) select = select.where('kind', 'in', kinds);
    const rows = await select.orderBy('seq').limit(limit).execute();
    return rows.map((row) => ({
      seq: Number(row.seq),
      scope: row.scope,
      key: row.key,
      provider: row.provider,
      kind: row.kind as ChangeKind,
      diff: row.diff === null ? null : (JSON.parse(row.diff) as OrderDiff),
      observedAt: row.observed_at,
      runId: row.run_id,
    }));
  }

  async close(): Promise<void> {
    // SQLite's advice for a closing connection: refresh the planner's statistics where needed.
    if (this.dialect === 'sqlite') await sql`pragma optimize`.execute(this.#db).catch(() => {});
    await this.#db.destroy();
  }
}

/**
 * A batch's orders by key, checked against the provider it names. The last occurrence of a key
 * wins: a provider listing that moved under a walk can repeat an order, and its later copy is the
 * newer one.
 * @throws TypeError when an order belongs to another provider
 */
function prepareOrders(
  method: string,
  provider: string,
  orders: readonly Order[],
): Map<string, PreparedOrder> {
  const prepared = new Map<string, PreparedOrder>();
  for (const order of orders) {
    if (order.provider !== provider) {
      throw new TypeError(
        `${method}: order ${order.key} belongs to provider "${order.provider}", not "${provider}"`,
      );
    }
    prepared.delete(order.key);
    prepared.set(order.key, { order, content: orderContent(order) });
  }
  return prepared;
}

/**
 * Below this many matching rows (of one provider, for one filter) a listing reads them through the
 * filter's index and sorts them; from it on, it walks the sort's index. Measured on SQLite on the
 * benchmark machine: a sort costs ≈ 4.5 µs a row (with its document), a walk ≈ 1 µs an entry and
 * needs ≈ 51 × rows / matches entries for a page of 50; with 500,000 rows of a provider both are
 * ≈ 10 ms at 2,000 matches, and either side of it the path taken is the cheaper one.
 */
const FEW_MATCHES = 2000;

/**
 * How long a listing's access-path verdict is reused (see `#accessPath`): long enough that the
 * pages of one listing and a dashboard's refreshes share it, short enough that a sync moving a
 * filter's matches across `FEW_MATCHES` is noticed within seconds.
 */
const ACCESS_PATH_TTL_MS = 10_000;

/** Verdicts kept at most (filters × providers × scopes in use); the least recently used go. */
const ACCESS_PATH_CACHE_ENTRIES = 1000;

/** Integer columns (kept off an index with `+ 0` on PostgreSQL, text with `|| ''`). */
const NUMERIC_COLUMNS: ReadonlySet<string> = new Set([
  'status_rank',
  'total_value_units',
  'total_value_fraction',
]);

/**
 * How one provider's rows of a listing are read (see `#accessPath`): as the planner decides,
 * along the sort's index, or through one filter's index (then sorted).
 */
type AccessPath = 'planner' | 'sort-index' | { filterIndex: IndexedFilter['column'] };

/**
 * A filter whose column leads an index after (scope, provider): a list of values, or the creation
 * window (bounds as sortable times).
 */
type IndexedFilter =
  | {
      column:
        | 'status_rank'
        | 'payment_status'
        | 'fulfillment_status'
        | 'customer_id'
        | 'merchant_id'
        | 'currency';
      values: Array<string | number>;
    }
  | { column: 'created_at'; from: string | undefined; to: string | undefined };

/** The filter's condition on `column` (the column itself, or an expression of it). */
function filterCondition(
  filter: IndexedFilter,
  column: IndexedFilter['column'] | RawBuilder<string | number>,
): ExpressionWrapper<StoreDatabase, 'orders', SqlBool> {
  const eb = expressionBuilder<StoreDatabase, 'orders'>();
  if (filter.column !== 'created_at') return eb(column, 'in', filter.values);
  const bounds: Array<ExpressionWrapper<StoreDatabase, 'orders', SqlBool>> = [];
  if (filter.from !== undefined) bounds.push(eb(column, '>=', filter.from));
  if (filter.to !== undefined) bounds.push(eb(column, '<=', filter.to));
  return eb.and(bounds);
}

/**
 * Whether the filter's column leads the sort's own index (the total sort's index starts with the
 * currency, the status sort's with the status): such a filter is a range of the sort's index.
 */
function leadsSortIndex(filter: IndexedFilter, field: SortField): boolean {
  return (
    (field === 'total' && filter.column === 'currency') ||
    (field === 'status' && filter.column === 'status_rank')
  );
}

/** The query's filters that have an index of their own, with the values they accept. */
function indexedFilters(query: OrderQuery): IndexedFilter[] {
  const filters: IndexedFilter[] = [];
  if (query.status !== undefined) {
    filters.push({ column: 'status_rank', values: query.status.map(statusRank) });
  }
  if (query.paymentStatus !== undefined) {
    filters.push({ column: 'payment_status', values: [...query.paymentStatus] });
  }
  if (query.fulfillmentStatus !== undefined) {
    filters.push({ column: 'fulfillment_status', values: [...query.fulfillmentStatus] });
  }
  if (query.customerId !== undefined) {
    filters.push({ column: 'customer_id', values: [query.customerId] });
  }
  if (query.merchantId !== undefined) {
    filters.push({ column: 'merchant_id', values: [query.merchantId] });
  }
  if (query.currency !== undefined) filters.push({ column: 'currency', values: [query.currency] });
  if (query.createdFrom !== undefined || query.createdTo !== undefined) {
    filters.push({
      column: 'created_at',
      from: query.createdFrom === undefined ? undefined : sortableTime(query.createdFrom),
      to: query.createdTo === undefined ? undefined : sortableTime(query.createdTo),
    });
  }
  return filters;
}

/** A sync-state row with nothing recorded yet. */
function emptySyncState(scope: string, provider: string): SyncStateTable {
  return {
    scope,
    provider,
    watermark: null,
    progress: null,
    last_run: null,
    last_full_sweep_at: null,
    last_error: null,
    last_seen_at: null,
  };
}

function syncStateOf(row: SyncStateTable): SyncState {
  const parse = <T>(text: string | null): T | null =>
    text === null ? null : (JSON.parse(text) as T);
  return {
    scope: row.scope,
    provider: row.provider,
    watermark: row.watermark,
    progress: parse<SyncProgress>(row.progress),
    lastRun: parse<SyncState['lastRun']>(row.last_run),
    lastFullSweepAt: row.last_full_sweep_at,
    lastError: parse<SyncState['lastError']>(row.last_error),
  };
}

/** A value or list of values as a list (undefined stays undefined; an empty list selects nothing). */
function listOf<T extends string>(value: T | readonly T[] | undefined): T[] | undefined {
  if (value === undefined) return undefined;
  return typeof value === 'string' ? [value] : [...value];
}

/** Splits a list into chunks of at most `size` items. */
function chunks<T>(items: readonly T[], size: number): T[][] {
  const result: T[][] = [];
  for (let start = 0; start < items.length; start += size) {
    result.push(items.slice(start, start + size));
  }
  return result;
}

/** A signed 32-bit key for an advisory lock, from a hash of the text it stands for. */
function lockKey(text: string): number {
  return createHash('sha256').update(text).digest().readInt32BE(0);
}
