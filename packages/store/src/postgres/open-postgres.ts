import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { StoreDatabase } from '../schema/store-database.js';

/** Options of `openPostgres`. */
export interface PostgresOptions {
  connectionString: string;
  /** Most connections the pool opens. */
  maxConnections: number;
}

/** PostgreSQL type ids whose parsing the store changes. */
const INT8 = 20;
const JSON_TYPE = 114;
const JSONB = 3802;

/**
 * Type parsers of the store's pool only (pg's global parsers are left alone, other users of `pg`
 * in the process are not affected):
 * - BIGINT (`seq`, totals, counts) becomes a number, and a value beyond the safe-integer range
 *   throws instead of silently losing digits (pg's default returns strings);
 * - JSON and JSONB stay text, parsed by the store, the same as on SQLite.
 */
const storeTypes = {
  getTypeParser(typeId: number, format?: 'text' | 'binary') {
    if (format === 'binary') return pg.types.getTypeParser(typeId, 'binary');
    if (typeId === INT8) return parseSafeInteger;
    if (typeId === JSON_TYPE || typeId === JSONB) return (value: string) => value;
    return pg.types.getTypeParser(typeId, 'text');
  },
} as pg.CustomTypesConfig;

function parseSafeInteger(value: string): number {
  const number = Number(value);
  if (!Number.isSafeInteger(number)) {
    throw new RangeError(
      `PostgreSQL returned the integer ${value}, beyond JavaScript's safe range`,
    );
  }
  return number;
}

/** Opens a connection pool (connections are made on first use). */
export function openPostgres(options: PostgresOptions): Kysely<StoreDatabase> {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.maxConnections,
    types: storeTypes,
    application_name: 'orderbridge-store',
  });
  // An idle connection the server closes (restart, idle timeout) is reported here; without a
  // listener Node would end the process. The pool drops it, and the next query opens another.
  pool.on('error', () => {});
  return new Kysely<StoreDatabase>({ dialect: new PostgresDialect({ pool }) });
}
