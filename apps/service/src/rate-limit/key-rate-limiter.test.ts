import { describe, expect, it } from 'vitest';
import { createKeyRateLimiter } from './key-rate-limiter.js';

describe('createKeyRateLimiter', () => {
  it('answers asynchronously with the token buckets of this process, charges included', async () => {
    let now = 0;
    const limiter = createKeyRateLimiter({ now: () => now });
    expect(await limiter.take('k', 2)).toEqual({ isAllowed: true, remaining: 1 });
    await limiter.charge('k', 2, 1);
    expect(await limiter.take('k', 2)).toEqual({ isAllowed: false, retryAfterSeconds: 30 });
    now += 30_000;
    expect(await limiter.take('k', 2)).toEqual({ isAllowed: true, remaining: 0 });
  });
});
