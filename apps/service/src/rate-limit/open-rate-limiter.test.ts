import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { openServicePool } from '../database/open-service-pool.js';
import { createLogger } from '../observability/logger.js';
import { openRateLimiter } from './open-rate-limiter.js';
import type { RateLimitStoreFailure } from './store-rate-limiter.js';

const SERVER_URL = process.env.ORDERBRIDGE_TEST_DATABASE_URL;

/** A logger whose lines are collected as objects. */
function collectingLogger() {
  const lines: Array<Record<string, unknown>> = [];
  const logger = createLogger({
    level: 'warn',
    destination: { write: (line: string) => lines.push(JSON.parse(line)) },
  });
  return { logger, lines };
}

describe('openRateLimiter', () => {
  it('keeps the limits in memory without Redis or a PostgreSQL pool', async () => {
    const opened = await openRateLimiter({ logger: createLogger({ level: 'silent' }) });
    expect(opened.store).toBe('memory');
    expect(await opened.limiter.take('k', 1)).toEqual({ isAllowed: true, remaining: 0 });
    expect((await opened.limiter.take('k', 1)).isAllowed).toBe(false);
    await opened.close();
  });

  it('refuses a Redis URL that does not parse without repeating it', async () => {
    const opening = openRateLimiter({
      redisUrl: 'redis://:fake-password@[bad',
      logger: createLogger({ level: 'silent' }),
    });
    await expect(opening).rejects.toThrow(/REDIS_URL is not a valid URL/);
    await expect(opening).rejects.not.toThrow(/fake-password/);
  });

  it.skipIf(SERVER_URL === undefined)(
    'uses PostgreSQL with a pool; counts every store failure and logs one warning a minute',
    async () => {
      const name = `open_rate_limiter_${randomBytes(5).toString('hex')}`;
      const admin = new pg.Client({ connectionString: SERVER_URL });
      await admin.connect();
      await admin.query(`create database ${name}`);
      try {
        const url = new URL(SERVER_URL!);
        url.pathname = `/${name}`;
        const pool = openServicePool(url.toString());
        const { logger, lines } = collectingLogger();
        const failures: RateLimitStoreFailure[] = [];
        const opened = await openRateLimiter({
          pool,
          logger,
          onStoreFailure: (failure) => failures.push(failure),
        });
        expect(opened.store).toBe('postgres');
        expect(await opened.limiter.take('k', 5)).toEqual({ isAllowed: true, remaining: 4 });
        await pool.end();
        for (let request = 0; request < 3; request++) await opened.limiter.take('k', 5);
        logger.flush();
        expect(failures).toHaveLength(3);
        const warnings = lines.filter((line) => line.level === 'warn');
        expect(warnings).toEqual([
          expect.objectContaining({
            store: 'postgres',
            failures: 1,
            msg: expect.stringMatching(/fail open/),
          }),
        ]);
        await opened.close();
      } finally {
        await admin.query(`drop database if exists ${name} with (force)`);
        await admin.end();
      }
    },
  );
});
