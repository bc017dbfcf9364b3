import { isAbsolute, resolve } from 'node:path';
import type { OrderStore } from '@orderbridge/store';

/** The store used when neither `--database` nor `ORDERBRIDGE_DATABASE_URL` names one. */
export const DEFAULT_DATABASE_URL = 'sqlite:./orderbridge.db';

/**
 * The store's URL: `--database`, else `ORDERBRIDGE_DATABASE_URL`, else `sqlite:./orderbridge.db`;
 * a relative SQLite path is resolved against the command's working directory.
 */
export function chooseReportDatabase(
  flag: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
  cwd: string,
): string {
  const url = flag ?? (env.ORDERBRIDGE_DATABASE_URL || DEFAULT_DATABASE_URL);
  const match = /^sqlite:(?!\/\/)(.*)$/.exec(url);
  const path = match?.[1];
  if (path === undefined || path === '' || path === ':memory:' || isAbsolute(path)) return url;
  return `sqlite:${resolve(cwd, path)}`;
}

/** Opens the store (migrating it), loading the store and its drivers only now. */
export async function openReportStore(url: string): Promise<OrderStore> {
  const { createOrderStore } = await import('@orderbridge/store');
  return createOrderStore({ url });
}
