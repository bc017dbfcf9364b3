import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../observability/logger.js';
import {
  type RedisTestServer,
  redisUnavailableReason,
  startRedisServer,
} from '../test-support/redis-server.js';
import { openRateLimiter } from './open-rate-limiter.js';
import { createRedisRateLimiter, type RedisRateLimitClient } from './redis-rate-limiter.js';
import type { RateLimitStoreFailure } from './store-rate-limiter.js';

/**
 * A fake ioredis client: the Lua command rate-limiter-flexible defines (`rlflxIncr`: add points to
 * a key that expires with its window, answer the points and the milliseconds left) done in memory.
 */
function fakeRedis(now: () => number) {
  const keys = new Map<string, { points: number; expiresAt: number }>();
  const client = {
    status: 'ready',
    defineCommand(name: string) {
      expect(name).toBe('rlflxIncr');
    },
    multi() {
      throw new Error('the limiter only needs rlflxIncr for consume and penalty');
    },
    async rlflxIncr([key, points, seconds]: string[]) {
      if (client.status !== 'ready') throw new Error('Connection is closed.');
      const entry = keys.get(key!);
      const live =
        entry && entry.expiresAt > now()
          ? entry
          : { points: 0, expiresAt: now() + Number(seconds) * 1000 };
      live.points += Number(points);
      keys.set(key!, live);
      return [live.points, live.expiresAt - now()];
    },
  };
  return { client, keys };
}

describe('createRedisRateLimiter (fake client)', () => {
  it('allows the budget, refuses with the window’s remaining seconds, and charges', async () => {
    let now = 1_000_000;
    const { client, keys } = fakeRedis(() => now);
    const limiter = createRedisRateLimiter({ client: client as RedisRateLimitClient });
    expect(await limiter.take('t\u0000k', 3)).toEqual({ isAllowed: true, remaining: 2 });
    await limiter.charge?.('t\u0000k', 3, 2);
    now += 15_000;
    expect(await limiter.take('t\u0000k', 3)).toEqual({ isAllowed: false, retryAfterSeconds: 45 });
    expect([...keys.keys()]).toEqual([expect.stringMatching(/^orderbridge:[A-Za-z0-9_-]{43}$/)]);
    now += 45_000;
    expect(await limiter.take('t\u0000k', 3)).toEqual({ isAllowed: true, remaining: 2 });
  });

  it('decides with the fallback at once while the client is not connected', async () => {
    const { client } = fakeRedis(() => 0);
    client.status = 'reconnecting';
    const failures: RateLimitStoreFailure[] = [];
    const limiter = createRedisRateLimiter({
      client: client as RedisRateLimitClient,
      onStoreFailure: (failure) => failures.push(failure),
    });
    expect(await limiter.take('k', 1)).toEqual({ isAllowed: true, remaining: 0 });
    expect((await limiter.take('k', 1)).isAllowed).toBe(false);
    expect(failures.map((failure) => failure.store)).toEqual(['redis', 'redis']);
    expect(String(failures[0]?.error)).toContain('not ready');
  });
});

const skipReason = redisUnavailableReason();

describe.skipIf(skipReason !== undefined)('openRateLimiter with REDIS_URL (redis-server)', () => {
  let redis: RedisTestServer;
  const logger = createLogger({ level: 'silent' });
  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(async () => redis?.stop());

  it('shares one budget between two processes’ limiters, and fails open when Redis stops', async () => {
    const failures: RateLimitStoreFailure[] = [];
    const first = await openRateLimiter({ redisUrl: redis.url, logger });
    const second = await openRateLimiter({
      redisUrl: redis.url,
      logger,
      onStoreFailure: (failure) => failures.push(failure),
    });
    try {
      expect([first.store, second.store]).toEqual(['redis', 'redis']);
      const decisions = [];
      for (let request = 0; request < 4; request++) {
        const replica = request % 2 === 0 ? first : second;
        decisions.push((await replica.limiter.take('tenant\u0000shared', 4)).isAllowed);
      }
      expect(decisions).toEqual([true, true, true, true]);
      const refused = await first.limiter.take('tenant\u0000shared', 4);
      expect(refused.isAllowed).toBe(false);
      if (!refused.isAllowed) expect(refused.retryAfterSeconds).toBeLessThanOrEqual(60);
      expect((await second.limiter.take('tenant\u0000shared', 4)).isAllowed).toBe(false);

      await redis.stop();
      // Redis is gone: this process's own buckets decide (a fresh budget), and the failure is told.
      expect(await second.limiter.take('tenant\u0000shared', 4)).toEqual({
        isAllowed: true,
        remaining: 3,
      });
      expect(failures).toEqual([expect.objectContaining({ store: 'redis', operation: 'take' })]);
    } finally {
      await first.close();
      await second.close();
    }
  });
});

if (skipReason !== undefined) {
  describe('openRateLimiter with REDIS_URL (redis-server)', () => {
    it.skip(`skipped: ${skipReason}`, () => {});
  });
}
