import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigurationError } from '@orderbridge/core';
import { describe, expect, it } from 'vitest';
import { createOrderStore } from './create-order-store.js';
import { StoreUnavailableError } from './store-unavailable-error.js';
import { describeStoreUrl, parseStoreUrl } from './store-url.js';

const FAKE_PASSWORD = 'not-a-real-password-123';

describe('parseStoreUrl', () => {
  it('reads SQLite paths, memory and file URLs', () => {
    expect(parseStoreUrl('sqlite:./orderbridge.db')).toEqual({
      dialect: 'sqlite',
      path: './orderbridge.db',
    });
    expect(parseStoreUrl('sqlite:/var/lib/ob.db')).toEqual({
      dialect: 'sqlite',
      path: '/var/lib/ob.db',
    });
    expect(parseStoreUrl('sqlite::memory:')).toEqual({ dialect: 'sqlite', path: ':memory:' });
    expect(parseStoreUrl('file:///var/lib/ob.db')).toEqual({
      dialect: 'sqlite',
      path: '/var/lib/ob.db',
    });
    expect(parseStoreUrl('file:data/ob.db')).toEqual({ dialect: 'sqlite', path: 'data/ob.db' });
  });

  it('reads PostgreSQL URLs of both schemes and keeps the password apart', () => {
    const url = `postgres://app:${FAKE_PASSWORD}@127.0.0.1:5432/orders?sslmode=disable`;
    expect(parseStoreUrl(url)).toEqual({
      dialect: 'postgres',
      connectionString: url,
      password: FAKE_PASSWORD,
    });
    expect(parseStoreUrl('postgresql://127.0.0.1/orders')).toMatchObject({
      dialect: 'postgres',
      password: undefined,
    });
  });

  it.each([
    ['', /empty/],
    ['orderbridge.db', /no scheme/],
    ['mysql://127.0.0.1/orders', /"mysql:" is not supported/],
    ['sqlite:', /needs a file path/],
    ['sqlite://host/path.db', /ambiguous/],
    ['sqlite:./ob.db?mode=ro', /no query string/],
    ['postgres://127.0.0.1:5432/', /one database/],
    ['postgres://[bad', /not a valid/],
  ])('refuses %j with a ConfigurationError naming the url setting', (url, message) => {
    let caught: unknown;
    try {
      parseStoreUrl(url);
    } catch (error) {
      caught = error;
    }
    expect(ConfigurationError.isInstance(caught)).toBe(true);
    const error = caught as ConfigurationError;
    expect(error.setting).toBe('url');
    expect(error.environmentVariable).toBe('ORDERBRIDGE_DATABASE_URL');
    expect(error.message).toMatch(message);
  });

  it('never repeats a password in its errors', () => {
    const url = `postgres://app:${FAKE_PASSWORD}@127.0.0.1:5432/`;
    expect(() => parseStoreUrl(url)).toThrow(ConfigurationError);
    try {
      parseStoreUrl(url);
    } catch (error) {
      expect(String((error as Error).message)).not.toContain(FAKE_PASSWORD);
    }
  });
});

describe('describeStoreUrl', () => {
  it('masks the password of a PostgreSQL URL, in the user info or a parameter', () => {
    expect(describeStoreUrl(`postgres://app:${FAKE_PASSWORD}@127.0.0.1:5432/orders`)).toBe(
      'postgres://app:***@127.0.0.1:5432/orders',
    );
    const described = describeStoreUrl(
      `postgresql://app@127.0.0.1/orders?password=${FAKE_PASSWORD}`,
    );
    expect(described).not.toContain(FAKE_PASSWORD);
    expect(described).toContain('password=');
    expect(describeStoreUrl('sqlite:./ob.db')).toBe('sqlite:./ob.db');
  });
});

describe('createOrderStore', () => {
  it('refuses invalid settings and a missing url with a ConfigurationError', async () => {
    await expect(createOrderStore({ url: 'sqlite::memory:', busyTimeoutMs: -1 })).rejects.toSatisfy(
      (error: unknown) => ConfigurationError.isInstance(error) && error.setting === 'busyTimeoutMs',
    );
    const saved = process.env.ORDERBRIDGE_DATABASE_URL;
    delete process.env.ORDERBRIDGE_DATABASE_URL;
    try {
      await expect(createOrderStore({})).rejects.toSatisfy(
        (error: unknown) => ConfigurationError.isInstance(error) && error.setting === 'url',
      );
    } finally {
      if (saved !== undefined) process.env.ORDERBRIDGE_DATABASE_URL = saved;
    }
  });

  it('reads the url from ORDERBRIDGE_DATABASE_URL when none is given', async () => {
    const saved = process.env.ORDERBRIDGE_DATABASE_URL;
    process.env.ORDERBRIDGE_DATABASE_URL = 'sqlite::memory:';
    try {
      const store = await createOrderStore();
      expect(store.dialect).toBe('sqlite');
      await store.close();
    } finally {
      if (saved === undefined) delete process.env.ORDERBRIDGE_DATABASE_URL;
      else process.env.ORDERBRIDGE_DATABASE_URL = saved;
    }
  });

  it('reports a PostgreSQL server it cannot reach without its password', async () => {
    // Port 1 on loopback: nothing listens there, so the connection is refused at once.
    const url = `postgres://app:${FAKE_PASSWORD}@127.0.0.1:1/orders`;
    let caught: unknown;
    try {
      await createOrderStore({ url });
    } catch (error) {
      caught = error;
    }
    expect(StoreUnavailableError.isInstance(caught)).toBe(true);
    const error = caught as StoreUnavailableError;
    expect(error.isRetryable).toBe(true);
    expect(error.message).toContain('postgres://app:***@127.0.0.1:1/orders');
    expect(JSON.stringify(error.toJSON())).not.toContain(FAKE_PASSWORD);
  });

  it('reports a SQLite file it cannot create', async () => {
    // A folder path that runs through a plain file: the folder can never be created.
    const folder = mkdtempSync(join(tmpdir(), 'orderbridge-store-url-'));
    const file = join(folder, 'plain-file');
    writeFileSync(file, '');
    try {
      await expect(createOrderStore({ url: `sqlite:${file}/store.db` })).rejects.toSatisfy(
        StoreUnavailableError.isInstance,
      );
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
