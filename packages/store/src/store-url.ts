import { fileURLToPath } from 'node:url';
import { ConfigurationError } from '@orderbridge/core';

/** The environment variable a store URL is read from when none is given. */
export const DATABASE_URL_VARIABLE = 'ORDERBRIDGE_DATABASE_URL';

/** Where a store lives, as read from its URL. */
export type StoreLocation =
  | {
      dialect: 'sqlite';
      /** A file path (relative to the working directory, or absolute), or `:memory:`. */
      path: string;
    }
  | {
      dialect: 'postgres';
      /** The URL as given, for `pg`. */
      connectionString: string;
      /** The password in it, if any (registered as a secret, never printed). */
      password: string | undefined;
    };

const URL_FORMS =
  'sqlite:<path> (e.g. sqlite:./orderbridge.db, sqlite:/var/lib/orderbridge.db, sqlite::memory:), ' +
  'file:<path> or file:///<absolute path>, or postgres://user:password@host:5432/database';

function invalidUrl(problem: string): ConfigurationError {
  return new ConfigurationError({
    message: `Invalid store url: ${problem}. Use ${URL_FORMS}; it is the url setting or ${DATABASE_URL_VARIABLE}.`,
    setting: 'url',
    environmentVariable: DATABASE_URL_VARIABLE,
  });
}

/**
 * Reads a store URL. SQLite: `sqlite:` followed by a file path taken as is (relative paths from
 * the working directory), `sqlite::memory:` for a private in-memory database, or a `file:` URL
 * (`file:///abs/path.db`, or `file:relative.db`). PostgreSQL: `postgres://` or `postgresql://`,
 * handed to `pg` (which also reads `?sslmode=…` and friends).
 * @throws ConfigurationError naming the `url` setting; the message never repeats the URL, which
 * may hold a password (only its scheme, when that is what is wrong).
 */
export function parseStoreUrl(url: string): StoreLocation {
  const text = url.trim();
  if (text === '') throw invalidUrl('it is empty');
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(text)?.[1]?.toLowerCase();
  if (scheme === undefined) throw invalidUrl('it has no scheme');
  if (scheme === 'postgres' || scheme === 'postgresql') return postgresLocation(text);
  if (scheme === 'sqlite') return sqliteLocation(text.slice('sqlite:'.length), 'sqlite:');
  if (scheme === 'file') {
    if (text.startsWith('file://')) {
      let path: string;
      try {
        path = fileURLToPath(text);
      } catch {
        throw invalidUrl(
          'a file:// URL must name an absolute local path (file:///path/to/store.db)',
        );
      }
      return sqliteLocation(path, 'file:');
    }
    return sqliteLocation(text.slice('file:'.length), 'file:');
  }
  throw invalidUrl(`the scheme "${scheme}:" is not supported`);
}

function sqliteLocation(path: string, prefix: string): StoreLocation {
  if (path === '') throw invalidUrl(`${prefix} needs a file path or :memory:`);
  if (path.startsWith('//')) {
    throw invalidUrl(
      `${prefix}// is ambiguous; write ${prefix}/absolute/path.db, ${prefix}./relative.db or file:///absolute/path.db`,
    );
  }
  if (path.includes('?') || path.includes('#')) {
    throw invalidUrl('SQLite URLs take no query string or fragment');
  }
  return { dialect: 'sqlite', path };
}

function postgresLocation(text: string): StoreLocation {
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    throw invalidUrl('it is not a valid postgres:// URL');
  }
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  if (database === '' || database.includes('/')) {
    throw invalidUrl('a postgres:// URL must name one database (postgres://host:5432/database)');
  }
  const password =
    parsed.password !== ''
      ? decodeURIComponent(parsed.password)
      : (parsed.searchParams.get('password') ?? undefined);
  return { dialect: 'postgres', connectionString: text, password };
}

/**
 * A store URL safe to print: the password (in the user info or a `password` parameter) is masked.
 * Anything that does not parse as a URL is shown only by its scheme.
 */
export function describeStoreUrl(url: string): string {
  const text = url.trim();
  if (!/^postgres(ql)?:/i.test(text)) return text;
  try {
    const parsed = new URL(text);
    if (parsed.password !== '') parsed.password = '***';
    for (const name of ['password', 'sslpassword']) {
      if (parsed.searchParams.has(name)) parsed.searchParams.set(name, '***');
    }
    return parsed.toString();
  } catch {
    return `${text.split(':')[0]}://…`;
  }
}
