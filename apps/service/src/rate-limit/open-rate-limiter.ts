import { ConfigurationError, registerSecret } from '@orderbridge/core';
import type pg from 'pg';
import type { ServiceLogger } from '../observability/logger.js';
import { createKeyRateLimiter, type KeyRateLimiter } from './key-rate-limiter.js';
import { createPostgresRateLimiter } from './postgres-rate-limiter.js';
import { createRedisRateLimiter } from './redis-rate-limiter.js';
import type { RateLimitStoreFailure } from './store-rate-limiter.js';

/** Where the per-key budgets live. */
export type RateLimitStoreKind = 'memory' | 'postgres' | 'redis';

/** The limiter a service process uses, and what to close at shutdown. */
export interface OpenedRateLimiter {
  limiter: KeyRateLimiter;
  /** `redis` with `REDIS_URL`; else `postgres` with a PostgreSQL store; else `memory`. */
  store: RateLimitStoreKind;
  /** Closes the limiter and the Redis client it opened (not the pool it was given). */
  close(): Promise<void>;
}

/** How often, at most, a failing shared store is logged (every failure is counted). */
const FAILURE_LOG_INTERVAL_MS = 60_000;

/** How long the start waits for Redis before it goes on with the fallback, in ms. */
const REDIS_CONNECT_TIMEOUT_MS = 2_000;

/**
 * Picks and opens the per-key limiter: Redis when `redisUrl` is given, else PostgreSQL through
 * `pool` (the service's pool on a PostgreSQL store), else in-memory token buckets. A failing shared
 * store is counted on every decision (`onStoreFailure`) and logged as a warning at most once a
 * minute with the number of failures since the last line; the decision falls back to this
 * process's token buckets (see `createStoreRateLimiter`).
 * @throws ConfigurationError when `redisUrl` is not a URL; the database's error when PostgreSQL is
 * chosen and its table cannot be created.
 */
export async function openRateLimiter(options: {
  redisUrl?: string | undefined;
  pool?: pg.Pool | undefined;
  logger: ServiceLogger;
  onStoreFailure?: ((failure: RateLimitStoreFailure) => void) | undefined;
}): Promise<OpenedRateLimiter> {
  const { logger } = options;
  let failuresSinceLog = 0;
  let loggedAt = Number.NEGATIVE_INFINITY;
  const onStoreFailure = (failure: RateLimitStoreFailure): void => {
    options.onStoreFailure?.(failure);
    failuresSinceLog += 1;
    if (Date.now() - loggedAt < FAILURE_LOG_INTERVAL_MS) return;
    logger.warn(
      {
        store: failure.store,
        failures: failuresSinceLog,
        error: failure.error instanceof Error ? failure.error.message : String(failure.error),
      },
      'the shared rate-limit store failed; deciding with this process’s own limits (fail open)',
    );
    loggedAt = Date.now();
    failuresSinceLog = 0;
  };

  if (options.redisUrl !== undefined) {
    let password: string;
    try {
      password = new URL(options.redisUrl).password;
    } catch {
      // Node's URL error carries the input, which may hold a password: say which setting instead.
      throw new ConfigurationError({
        setting: 'redisUrl',
        environmentVariable: 'REDIS_URL',
        message: 'REDIS_URL is not a valid URL (redis://host:6379/0 or rediss://…)',
      });
    }
    if (password !== '') registerSecret(decodeURIComponent(password));
    const { Redis } = await import('ioredis');
    const client = new Redis(options.redisUrl, {
      // Refuse commands at once while disconnected (the fallback decides) instead of queueing
      // them until Redis is back.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: REDIS_CONNECT_TIMEOUT_MS,
      lazyConnect: true,
    });
    // ioredis reports each failed reconnect here; the decisions' failures are what gets logged.
    client.on('error', () => {});
    await Promise.race([
      client
        .connect()
        .catch((error: unknown) =>
          logger.warn(
            { error: error instanceof Error ? error.message : String(error) },
            'Redis is not reachable at start; per-process limits until it is',
          ),
        ),
      new Promise((resolve) => setTimeout(resolve, REDIS_CONNECT_TIMEOUT_MS).unref()),
    ]);
    const limiter = createRedisRateLimiter({ client, onStoreFailure });
    return {
      limiter,
      store: 'redis',
      async close() {
        await limiter.close?.();
        client.disconnect();
      },
    };
  }
  if (options.pool !== undefined) {
    const limiter = await createPostgresRateLimiter({ pool: options.pool, onStoreFailure });
    return { limiter, store: 'postgres', close: async () => limiter.close?.() };
  }
  return { limiter: createKeyRateLimiter(), store: 'memory', close: async () => {} };
}
