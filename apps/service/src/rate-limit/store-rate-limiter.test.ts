import { RateLimiterMemory } from 'rate-limiter-flexible';
import { describe, expect, it } from 'vitest';
import { createKeyRateLimiter } from './key-rate-limiter.js';
import { createStoreRateLimiter, type RateLimitStoreFailure } from './store-rate-limiter.js';

/** rate-limiter-flexible's in-memory limiter stands in for a store that answers. */
const memoryStore = (points: number) => new RateLimiterMemory({ points, duration: 60 });

/** A store whose every call fails (an unreachable database). */
const failingStore = () =>
  ({
    consume: () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:1')),
    penalty: () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:1')),
  }) as unknown as RateLimiterMemory;

describe('createStoreRateLimiter', () => {
  it('allows a burst of the budget, then refuses with the seconds until the window ends', async () => {
    const limiter = createStoreRateLimiter({ store: 'postgres', createLimiter: memoryStore });
    const remaining: number[] = [];
    for (let request = 0; request < 5; request++) {
      const decision = await limiter.take('tenant\u0000key', 5);
      expect(decision.isAllowed).toBe(true);
      if (decision.isAllowed) remaining.push(decision.remaining);
    }
    expect(remaining).toEqual([4, 3, 2, 1, 0]);
    const refused = await limiter.take('tenant\u0000key', 5);
    expect(refused.isAllowed).toBe(false);
    if (!refused.isAllowed) {
      expect(refused.retryAfterSeconds).toBeGreaterThanOrEqual(1);
      expect(refused.retryAfterSeconds).toBeLessThanOrEqual(60);
    }
  });

  it('keeps one budget per key and one library limiter per distinct budget', async () => {
    const created: number[] = [];
    const limiter = createStoreRateLimiter({
      store: 'redis',
      createLimiter: (points) => {
        created.push(points);
        return memoryStore(points);
      },
    });
    expect((await limiter.take('a', 1)).isAllowed).toBe(true);
    expect((await limiter.take('a', 1)).isAllowed).toBe(false);
    expect((await limiter.take('b', 1)).isAllowed).toBe(true);
    expect((await limiter.take('c', 3)).isAllowed).toBe(true);
    expect(created).toEqual([1, 3]);
  });

  it('stores hashed keys: no tenant or key id, no NUL byte, a fixed length', async () => {
    const seen: string[] = [];
    const limiter = createStoreRateLimiter({
      store: 'postgres',
      createLimiter: (points) => {
        const store = memoryStore(points);
        const consume = store.consume.bind(store);
        store.consume = (key, count) => {
          seen.push(String(key));
          return consume(key, count);
        };
        return store;
      },
    });
    await limiter.take('tenant-acme\u0000key-ci', 10);
    await limiter.take('x'.repeat(1000), 10);
    expect(seen).toHaveLength(2);
    for (const key of seen) {
      expect(key).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(key).not.toContain('acme');
    }
    expect(seen[0]).not.toBe(seen[1]);
  });

  it('charges extra requests to the current window, which the next requests wait for', async () => {
    const limiter = createStoreRateLimiter({ store: 'postgres', createLimiter: memoryStore });
    expect(await limiter.take('k', 10)).toEqual({ isAllowed: true, remaining: 9 });
    await limiter.charge?.('k', 10, 9);
    const refused = await limiter.take('k', 10);
    expect(refused.isAllowed).toBe(false);
    // A charge of nothing (a call that needed one upstream page) costs nothing.
    const other = createStoreRateLimiter({ store: 'postgres', createLimiter: memoryStore });
    await other.take('k', 2);
    await other.charge?.('k', 2, 0);
    expect((await other.take('k', 2)).isAllowed).toBe(true);
  });

  it('fails open to the fallback when the store fails, and reports every failure', async () => {
    const failures: RateLimitStoreFailure[] = [];
    const limiter = createStoreRateLimiter({
      store: 'postgres',
      createLimiter: failingStore,
      fallback: createKeyRateLimiter({ now: () => 0 }),
      onStoreFailure: (failure) => failures.push(failure),
    });
    // The fallback still limits: 2 per minute in this process.
    expect((await limiter.take('k', 2)).isAllowed).toBe(true);
    expect((await limiter.take('k', 2)).isAllowed).toBe(true);
    expect(await limiter.take('k', 2)).toEqual({ isAllowed: false, retryAfterSeconds: 30 });
    await limiter.charge?.('k', 2, 1);
    expect(failures.map((failure) => [failure.store, failure.operation])).toEqual([
      ['postgres', 'take'],
      ['postgres', 'take'],
      ['postgres', 'take'],
      ['postgres', 'charge'],
    ]);
    expect(String(failures[0]?.error)).toContain('ECONNREFUSED');
  });

  it('decides with the fallback when the store does not answer in time', async () => {
    const failures: RateLimitStoreFailure[] = [];
    const hanging = () =>
      ({
        consume: () => new Promise(() => {}),
        penalty: () => new Promise(() => {}),
      }) as unknown as RateLimiterMemory;
    const limiter = createStoreRateLimiter({
      store: 'redis',
      createLimiter: hanging,
      timeoutMs: 20,
      onStoreFailure: (failure) => failures.push(failure),
    });
    expect(await limiter.take('k', 5)).toEqual({ isAllowed: true, remaining: 4 });
    expect(failures).toHaveLength(1);
    expect(String(failures[0]?.error)).toContain('did not answer within 20 ms');
  });
});
