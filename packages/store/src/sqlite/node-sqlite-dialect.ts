import type { DatabaseSync, SQLInputValue, StatementSync } from 'node:sqlite';
import {
  CompiledQuery,
  type DatabaseConnection,
  type DialectAdapter,
  type Driver,
  SqliteAdapter,
  type SqliteDatabase,
  SqliteDialect,
  SqliteDriver,
  type SqliteStatement,
} from 'kysely';

/**
 * Kysely's SQLite dialect on Node's built-in `node:sqlite`.
 *
 * Kysely's `SqliteDialect` expects a better-sqlite3-like database: `prepare(sql)` returning a
 * statement with a `reader` flag and methods taking the parameters as one array. `DatabaseSync`
 * has no `reader` (its `columns()` tells the same) and takes parameters spread. The npm packages
 * that bridge the two (checked December 2026: `kysely-sqlite` 0.2.0, `kysely-node-sqlite` 1.1.0)
 * are single releases with no maintenance record, and one pins an older Kysely; the bridge is a
 * few lines, so it lives here. Two changes to Kysely's own SQLite behaviour:
 * - transactions start with `BEGIN IMMEDIATE`: a write transaction that reads first (every
 *   `applyBatch`) would otherwise fail with SQLITE_BUSY instead of waiting when another process
 *   wrote in between, since a deferred transaction cannot upgrade its stale read snapshot;
 * - migrations run in a transaction (SQLite's DDL is transactional; Kysely's adapter says it is
 *   not), so a migration interrupted half-way leaves no half-built schema.
 */
export class NodeSqliteDialect extends SqliteDialect {
  readonly #database: NodeSqliteDatabase;

  /** The dialect over an open database; destroying the Kysely instance closes it. */
  constructor(database: DatabaseSync) {
    const wrapped = new NodeSqliteDatabase(database);
    super({ database: wrapped });
    this.#database = wrapped;
  }

  /**
   * Runs one statement once per parameter list, synchronously, on the dialect's connection. Only
   * for use inside a transaction Kysely holds (which has the connection): it skips Kysely's
   * per-query path (an async round through its executor, about 10 µs), which measured more than
   * the insert itself for the store's per-row inserts.
   */
  runEach(sql: string, parameterLists: ReadonlyArray<ReadonlyArray<unknown>>): void {
    const statement = this.#database.prepare(sql);
    for (const parameters of parameterLists) statement.run(parameters);
  }

  override createDriver(): Driver {
    return new ImmediateTransactionDriver({ database: this.#database });
  }

  override createAdapter(): DialectAdapter {
    return new TransactionalDdlSqliteAdapter();
  }
}

class ImmediateTransactionDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

class TransactionalDdlSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

/** Prepared statements kept per database: the store runs a small set of statement shapes. */
const STATEMENT_CACHE_SIZE = 128;

/** `DatabaseSync` behind the interface Kysely's SQLite driver calls, with a statement cache. */
class NodeSqliteDatabase implements SqliteDatabase {
  readonly #database: DatabaseSync;
  readonly #statements = new Map<string, NodeSqliteStatement>();

  constructor(database: DatabaseSync) {
    this.#database = database;
  }

  prepare(sql: string): SqliteStatement {
    const cached = this.#statements.get(sql);
    if (cached) {
      // Re-inserted so the map's order is least recently used first.
      this.#statements.delete(sql);
      this.#statements.set(sql, cached);
      return cached;
    }
    const statement = new NodeSqliteStatement(this.#database.prepare(sql));
    this.#statements.set(sql, statement);
    if (this.#statements.size > STATEMENT_CACHE_SIZE) {
      const oldest = this.#statements.keys().next().value;
      if (oldest !== undefined) this.#statements.delete(oldest);
    }
    return statement;
  }

  close(): void {
    this.#statements.clear();
    if (this.#database.isOpen) this.#database.close();
  }
}

class NodeSqliteStatement implements SqliteStatement {
  readonly reader: boolean;
  readonly #statement: StatementSync;

  constructor(statement: StatementSync) {
    this.#statement = statement;
    // A statement that yields columns returns rows (SELECT, PRAGMA, … RETURNING).
    this.reader = statement.columns().length > 0;
  }

  all(parameters: ReadonlyArray<unknown>): unknown[] {
    return this.#statement.all(...(parameters as SQLInputValue[]));
  }

  run(parameters: ReadonlyArray<unknown>): {
    changes: number | bigint;
    lastInsertRowid: number | bigint;
  } {
    return this.#statement.run(...(parameters as SQLInputValue[]));
  }

  iterate(parameters: ReadonlyArray<unknown>): IterableIterator<unknown> {
    return this.#statement.iterate(...(parameters as SQLInputValue[]));
  }
}
