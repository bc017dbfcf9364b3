import { describe, expect, it } from 'vitest';
import { createTokenBuckets } from './token-buckets.js';

describe('createTokenBuckets', () => {
  it('allows a burst of the per-minute budget, then refuses with the wait in seconds', () => {
    let now = 0;
    const limiter = createTokenBuckets({ now: () => now });
    for (let request = 0; request < 60; request++) {
      expect(limiter.take('k', 60).isAllowed).toBe(true);
    }
    expect(limiter.take('k', 60)).toEqual({ isAllowed: false, retryAfterSeconds: 1 });
    now += 1000;
    expect(limiter.take('k', 60).isAllowed).toBe(true);
    expect(limiter.take('k', 60).isAllowed).toBe(false);
  });

  it('keeps separate budgets per key', () => {
    const limiter = createTokenBuckets({ now: () => 0 });
    expect(limiter.take('a', 1).isAllowed).toBe(true);
    expect(limiter.take('a', 1).isAllowed).toBe(false);
    expect(limiter.take('b', 1).isAllowed).toBe(true);
  });

  it('says how long until the next token for a slow budget', () => {
    const limiter = createTokenBuckets({ now: () => 0 });
    limiter.take('k', 2);
    limiter.take('k', 2);
    expect(limiter.take('k', 2)).toEqual({ isAllowed: false, retryAfterSeconds: 30 });
  });

  it('charges extra requests after the fact, which the next requests wait for', () => {
    let now = 0;
    const limiter = createTokenBuckets({ now: () => now });
    expect(limiter.take('k', 60)).toEqual({ isAllowed: true, remaining: 59 });
    limiter.charge('k', 60, 200);
    // At most a minute of debt: 59 - 200 is capped at -60.
    expect(limiter.take('k', 60).isAllowed).toBe(false);
    now += 60_000;
    expect(limiter.take('k', 60).isAllowed).toBe(false);
    now += 1_000;
    expect(limiter.take('k', 60).isAllowed).toBe(true);
  });
});
