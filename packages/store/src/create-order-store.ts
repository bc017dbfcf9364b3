import { ConfigurationError, registerSecret, toQueryIssues } from '@orderbridge/core';
import { z } from 'zod';
import { KyselyOrderStore } from './kysely-order-store.js';
import type { OrderStore } from './order-store.js';
import { openPostgres } from './postgres/open-postgres.js';
import { openSqlite } from './sqlite/open-sqlite.js';
import { StoreUnavailableError } from './store-unavailable-error.js';
import { DATABASE_URL_VARIABLE, describeStoreUrl, parseStoreUrl } from './store-url.js';

/** Settings of `createOrderStore`. */
export interface OrderStoreSettings {
  /**
   * Where the store lives: `sqlite:./orderbridge.db`, `sqlite::memory:`, `file:///abs/path.db`,
   * or `postgres://user:password@host:5432/database`. Default: `ORDERBRIDGE_DATABASE_URL`.
   */
  url?: string | undefined;
  /** Apply pending migrations on open (default true). `false` opens as is, e.g. to report them. */
  migrate?: boolean | undefined;
  /** SQLite: how long a write waits for another process's write lock, in ms (default 5000). */
  busyTimeoutMs?: number | undefined;
  /** PostgreSQL: most connections in the pool (default 10). */
  maxConnections?: number | undefined;
}

const settingsSchema = z.strictObject({
  url: z.string().optional(),
  migrate: z.boolean().optional(),
  busyTimeoutMs: z.number().int().min(0).max(600_000).optional(),
  maxConnections: z.number().int().min(1).max(1000).optional(),
});

/**
 * Opens the order store a URL names, SQLite or PostgreSQL, and applies pending migrations.
 * @throws ConfigurationError when the URL or a setting is invalid (naming the setting).
 * @throws StoreUnavailableError when the database cannot be opened or reached, or a migration
 * fails; its message names the store with any password masked.
 */
export async function createOrderStore(settings: OrderStoreSettings = {}): Promise<OrderStore> {
  const parsed = settingsSchema.safeParse(settings);
  if (!parsed.success) {
    const [issue] = toQueryIssues(parsed.error);
    throw new ConfigurationError({
      message: `Invalid store setting ${issue?.field}: ${issue?.message}`,
      setting: issue?.field,
    });
  }
  const url = parsed.data.url ?? process.env[DATABASE_URL_VARIABLE];
  if (url === undefined || url.trim() === '') {
    throw new ConfigurationError({
      message: `No store url: set the url setting or ${DATABASE_URL_VARIABLE} (e.g. sqlite:./orderbridge.db or postgres://user:password@host:5432/database).`,
      setting: 'url',
      environmentVariable: DATABASE_URL_VARIABLE,
    });
  }
  const location = parseStoreUrl(url);
  let store: KyselyOrderStore;
  if (location.dialect === 'sqlite') {
    const { db, dialect } = openSqlite({
      path: location.path,
      busyTimeoutMs: parsed.data.busyTimeoutMs ?? 5000,
    });
    store = new KyselyOrderStore(db, 'sqlite', (sql, parameterLists) =>
      dialect.runEach(sql, parameterLists),
    );
  } else {
    // Masked in every error message from here on, whatever prints it.
    registerSecret(location.password);
    const db = openPostgres({
      connectionString: location.connectionString,
      maxConnections: parsed.data.maxConnections ?? 10,
    });
    store = new KyselyOrderStore(db, 'postgres');
  }
  try {
    if (parsed.data.migrate !== false) await store.migrate();
    else await store.migrations(); // still proves the database can be reached
  } catch (error) {
    await store.close().catch(() => {});
    if (StoreUnavailableError.isInstance(error)) throw error;
    throw new StoreUnavailableError({
      message: `Could not open the store ${describeStoreUrl(url)}: ${error instanceof Error ? error.message : String(error)}`,
      cause: error,
    });
  }
  return store;
}
