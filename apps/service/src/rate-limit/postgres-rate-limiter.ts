import type pg from 'pg';
import { RateLimiterPostgres } from 'rate-limiter-flexible';
import type { KeyRateLimiter } from './key-rate-limiter.js';
import {
  createStoreRateLimiter,
  RATE_LIMIT_KEY_PREFIX,
  RATE_LIMIT_WINDOW_SECONDS,
  type StoreRateLimiterOptions,
} from './store-rate-limiter.js';

/** The table rate-limiter-flexible keeps the budgets in (it creates it when missing). */
export const RATE_LIMIT_TABLE = 'orderbridge_rate_limits';

/** How often rows of windows that ended more than an hour ago are deleted, in ms. */
const CLEANUP_INTERVAL_MS = 5 * 60_000;

/**
 * SQLSTATEs of a `CREATE TABLE IF NOT EXISTS` that lost a race with the same statement in
 * another session: `duplicate_object` ("type … already exists") and `duplicate_table`. PostgreSQL
 * checks for the table, then creates its row type and relation, and another session can commit
 * the same table in between. rate-limiter-flexible takes the third form, a unique violation on
 * `pg_type` (23505), as "created by another worker", but not these two.
 */
const CONCURRENT_CREATION_CODES = new Set(['42710', '42P07']);

/** Attempts at creating the table: each lost race means another session has committed it. */
const CREATE_TABLE_ATTEMPTS = 3;

/**
 * Runs `create` (the library's `CREATE TABLE IF NOT EXISTS`) again when it lost a race with
 * another replica creating the same table; the next attempt then finds the table.
 * @throws the database's error for anything else, or when every attempt lost a race.
 */
export async function createTable(create: () => Promise<void>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await create();
      return;
    } catch (error) {
      const code = (error as { code?: unknown } | undefined)?.code;
      const lostRace = typeof code === 'string' && CONCURRENT_CREATION_CODES.has(code);
      if (!lostRace || attempt >= CREATE_TABLE_ATTEMPTS) throw error;
    }
  }
}

/** Options of {@link createPostgresRateLimiter}. */
export interface PostgresRateLimiterOptions
  extends Omit<StoreRateLimiterOptions, 'store' | 'createLimiter' | 'close'> {
  /** The pool the limiter queries (the caller owns it and ends it after `close`). */
  pool: pg.Pool;
  /** Table name (default `orderbridge_rate_limits`), in the connection's `search_path`. */
  tableName?: string | undefined;
}

/**
 * Per-key budgets shared through PostgreSQL with rate-limiter-flexible's `RateLimiterPostgres`:
 * one row per key and window (`key`, `points`, `expire`), one atomic upsert per decision. Creates
 * the table when it is missing (concurrent creation by several replicas is safe) before it
 * resolves, and deletes rows of windows that ended more than an hour ago every 5 minutes. See
 * `createStoreRateLimiter` for the window, charges and the fallback.
 * @throws RangeError when `tableName` is not a plain lower-case identifier; the database's error when the table cannot be created (unreachable, no privilege).
 */
export async function createPostgresRateLimiter(
  options: PostgresRateLimiterOptions,
): Promise<KeyRateLimiter> {
  const tableName = options.tableName ?? RATE_LIMIT_TABLE;
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(tableName)) {
    throw new RangeError(
      `the rate-limit table name must be a lower-case SQL identifier, got "${tableName}"`,
    );
  }
  const settings = (points: number) => ({
    storeClient: options.pool,
    storeType: 'pool',
    tableName,
    keyPrefix: RATE_LIMIT_KEY_PREFIX,
    points,
    duration: RATE_LIMIT_WINDOW_SECONDS,
    // The table exists once `creator` is ready; expired rows are deleted by the timer below, once
    // per process rather than once per budget.
    tableCreated: true,
    clearExpiredByTimeout: false,
  });
  // The library creates its table (`CREATE TABLE IF NOT EXISTS`) when a limiter is constructed
  // without `tableCreated`; one such limiter, awaited, so no decision finds the table missing.
  await createTable(
    () =>
      new Promise<void>((resolve, reject) => {
        new RateLimiterPostgres({ ...settings(1), tableCreated: false }, (error?: unknown) =>
          error ? reject(error) : resolve(),
        );
      }),
  );
  const cleanup = setInterval(() => {
    // A failed cleanup is not worth a log line: the next tick deletes the same rows.
    options.pool
      .query(`delete from "${tableName}" where expire < $1`, [Date.now() - 3_600_000])
      .catch(() => {});
  }, CLEANUP_INTERVAL_MS);
  cleanup.unref();
  return createStoreRateLimiter({
    ...options,
    store: 'postgres',
    createLimiter: (points) => new RateLimiterPostgres(settings(points)),
    close: async () => clearInterval(cleanup),
  });
}
