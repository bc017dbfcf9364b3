import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openServicePool } from '../database/open-service-pool.js';
import type { KeyRateLimiter } from './key-rate-limiter.js';
import {
  createPostgresRateLimiter,
  createTable,
  RATE_LIMIT_TABLE,
} from './postgres-rate-limiter.js';
import type { RateLimitStoreFailure } from './store-rate-limiter.js';

const SERVER_URL = process.env.ORDERBRIDGE_TEST_DATABASE_URL;

describe('createPostgresRateLimiter (no server needed)', () => {
  it('refuses a table name that is not a plain identifier', async () => {
    const pool = new pg.Pool({ connectionString: 'postgres://nobody@127.0.0.1:1/none' });
    await expect(
      createPostgresRateLimiter({ pool, tableName: 'limits; drop table orders' }),
    ).rejects.toThrow(/lower-case SQL identifier/);
    await pool.end();
  });

  /** A creation that fails with each of `codes` in turn, then succeeds; counts its attempts. */
  function creation(...codes: string[]) {
    const attempts = { count: 0 };
    const create = async () => {
      const code = codes[attempts.count++];
      if (code !== undefined) throw Object.assign(new Error(`failed with ${code}`), { code });
    };
    return { attempts, create };
  }

  it.each([
    ['42710', 'duplicate_object: type … already exists'],
    ['42P07', 'duplicate_table'],
  ])('creates the table again after losing a race to another replica (%s, %s)', async (code) => {
    const { attempts, create } = creation(code);
    await createTable(create);
    expect(attempts.count).toBe(2);
  });

  it('passes any other error on at once', async () => {
    const { attempts, create } = creation('42501');
    await expect(createTable(create)).rejects.toMatchObject({ code: '42501' });
    expect(attempts.count).toBe(1);
  });

  it('gives up after three lost races', async () => {
    const { attempts, create } = creation('42710', '42P07', '42710', '42710');
    await expect(createTable(create)).rejects.toMatchObject({ code: '42710' });
    expect(attempts.count).toBe(3);
  });
});

describe.skipIf(SERVER_URL === undefined)('createPostgresRateLimiter (PostgreSQL)', () => {
  let databaseUrl: string;
  const name = `rate_limit_test_${randomBytes(5).toString('hex')}`;
  const pools: pg.Pool[] = [];
  const admin = () => new pg.Client({ connectionString: SERVER_URL });

  beforeAll(async () => {
    const client = admin();
    await client.connect();
    await client.query(`create database ${name}`);
    await client.end();
    const url = new URL(SERVER_URL!);
    url.pathname = `/${name}`;
    databaseUrl = url.toString();
  });

  afterAll(async () => {
    await Promise.all(pools.map((pool) => pool.end()));
    const client = admin();
    await client.connect();
    await client.query(`drop database if exists ${name} with (force)`);
    await client.end();
  });

  /** One replica's limiter: its own pool, as each service process has. */
  async function replica(
    onStoreFailure?: (failure: RateLimitStoreFailure) => void,
  ): Promise<KeyRateLimiter> {
    const pool = openServicePool(databaseUrl);
    pools.push(pool);
    return createPostgresRateLimiter({ pool, onStoreFailure });
  }

  it('creates its table once, even when two replicas start together', async () => {
    const [first, second] = await Promise.all([replica(), replica()]);
    expect(first).toBeDefined();
    expect(second).toBeDefined();
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    const { rows } = await client.query<{ column_name: string }>(
      'select column_name from information_schema.columns where table_name = $1 order by column_name',
      [RATE_LIMIT_TABLE],
    );
    await client.end();
    expect(rows.map((row) => row.column_name)).toEqual(['expire', 'key', 'points']);
  });

  it('enforces one budget across replicas: N allowed in all, then both refuse', async () => {
    const [first, second] = await Promise.all([replica(), replica()]);
    const key = `acme\u0000key-${randomBytes(4).toString('hex')}`;
    const allowed: boolean[] = [];
    for (let request = 0; request < 6; request++) {
      allowed.push((await (request % 2 === 0 ? first : second).take(key, 6)).isAllowed);
    }
    expect(allowed).toEqual([true, true, true, true, true, true]);
    for (const limiter of [first, second]) {
      const refused = await limiter.take(key, 6);
      expect(refused.isAllowed).toBe(false);
      if (!refused.isAllowed) {
        expect(refused.retryAfterSeconds).toBeGreaterThanOrEqual(1);
        expect(refused.retryAfterSeconds).toBeLessThanOrEqual(60);
      }
    }
    // Another key has its own budget.
    expect(await first.take(`${key}-other`, 6)).toEqual({ isAllowed: true, remaining: 5 });
  });

  it('counts a charge made on one replica on the other', async () => {
    const [first, second] = await Promise.all([replica(), replica()]);
    const key = `acme\u0000charged-${randomBytes(4).toString('hex')}`;
    expect(await first.take(key, 10)).toEqual({ isAllowed: true, remaining: 9 });
    await first.charge?.(key, 10, 8);
    expect(await second.take(key, 10)).toEqual({ isAllowed: true, remaining: 0 });
    expect((await second.take(key, 10)).isAllowed).toBe(false);
  });

  it('fails open when the database goes away after the start', async () => {
    const failures: RateLimitStoreFailure[] = [];
    const pool = openServicePool(databaseUrl);
    const limiter = await createPostgresRateLimiter({
      pool,
      onStoreFailure: (failure) => failures.push(failure),
    });
    await pool.end();
    expect(await limiter.take('k', 3)).toEqual({ isAllowed: true, remaining: 2 });
    expect(failures).toEqual([expect.objectContaining({ store: 'postgres', operation: 'take' })]);
  });
});
