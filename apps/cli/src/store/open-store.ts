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
 * Opens the store (applying pending migrations unless `migrate` is false). Loaded only here: the
 * store and its drivers are a module graph the live commands never need.
 * @throws ConfigurationError for a URL the store cannot use.
 */
export async function openStore(
  setting: DatabaseSetting,
  options: { cwd: string; migrate?: boolean },
): Promise<OrderStore> {
  const { createOrderStore } = await import('@orderbridge/store');
  return createOrderStore({
    url: setting.url,
    baseDir: options.cwd,
    migrate: options.migrate ?? true,
  });
}

/** The URL with any password replaced by `***`, for messages. */
export function describeDatabase(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*:)[^@]*@/i, '$1***@');
}
