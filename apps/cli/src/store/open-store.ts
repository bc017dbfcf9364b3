import { isAbsolute, resolve } from 'node:path';
import type { OrderStore } from '@orderbridge/store';
import type { ResolvedConfig } from '../config/resolve-config.js';
import type { SettingSource } from '../config/setting-source.js';

/** The store used when neither `--database`, `ORDERBRIDGE_DATABASE_URL` nor the config names one. */
export const DEFAULT_DATABASE_URL = 'sqlite:./orderbridge.db';

/** A database URL and where it came from. */
export interface DatabaseSetting {
  url: string;
  source: SettingSource;
}

/**
 * The order store's URL: `--database`, else `ORDERBRIDGE_DATABASE_URL`, else the config file's
 * `defaults.database`, else `sqlite:./orderbridge.db` (relative to the working directory).
 */
export function chooseDatabase(
  flag: string | undefined,
  config: ResolvedConfig | undefined,
): DatabaseSetting {
  if (flag !== undefined) return { url: flag, source: { kind: 'flag', flag: '--database' } };
  const configured = config?.defaults.database;
  if (configured) return { url: configured.value, source: configured.source };
  return { url: DEFAULT_DATABASE_URL, source: { kind: 'default' } };
}

/**
 * Opens the store (applying pending migrations unless `migrate` is false). A relative SQLite path
 * is relative to the command's working directory. Loaded only here: the store and its drivers are
 * a module graph the live commands never need.
 * @throws ConfigurationError for a URL the store cannot use; StoreUnavailableError when the
 * database cannot be opened or reached.
 */
export async function openStore(
  setting: DatabaseSetting,
  options: { cwd: string; migrate?: boolean },
): Promise<OpenedStore> {
  const { createOrderStore, describeStoreUrl } = await import('@orderbridge/store');
  const url = relativeTo(setting.url, options.cwd);
  const store = await createOrderStore({ url, migrate: options.migrate ?? true });
  return { store, label: describeStoreUrl(url) };
}

/** An open store and how to name it in messages (any password masked). */
export interface OpenedStore {
  store: OrderStore;
  label: string;
}

/**
 * Opens the store a command names (`--database`, else the configured one), runs `use` against it
 * and closes it.
 * @throws ConfigurationError / StoreUnavailableError when it cannot be opened.
 */
export async function withStore<T>(
  context: { io: { cwd: string } },
  config: ResolvedConfig,
  databaseFlag: string | undefined,
  use: (store: OrderStore, label: string) => Promise<T>,
  options: { migrate?: boolean } = {},
): Promise<T> {
  const { store, label } = await openStore(chooseDatabase(databaseFlag, config), {
    cwd: context.io.cwd,
    ...options,
  });
  try {
    return await use(store, label);
  } finally {
    await store.close();
  }
}

/** `sqlite:./x.db` → `sqlite:<cwd>/x.db`; every other URL unchanged. */
function relativeTo(url: string, cwd: string): string {
  for (const prefix of ['sqlite:', 'file:']) {
    if (!url.startsWith(prefix)) continue;
    const path = url.slice(prefix.length);
    if (path === '' || path === ':memory:' || path.startsWith('//') || isAbsolute(path)) return url;
    return `${prefix}${resolve(cwd, path)}`;
  }
  return url;
}
