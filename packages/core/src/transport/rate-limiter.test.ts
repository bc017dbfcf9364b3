import { describe, expect, it } from 'vitest';
import { RateLimiter, sleep } from './rate-limiter.js';
import { parseRetryAfter } from './retry-after.js';

describe('RateLimiter', () => {
  it('lets requestsPerMinute requests through, then makes the next wait for the window', async () => {
    let now = 0;
    const limiter = new RateLimiter(3, 1_000, () => now);
    await limiter.acquire();
    await limiter.acquire();
    await limiter.acquire();
    let fourthStarted = false;
    const fourth = limiter.acquire().then(() => {
      fourthStarted = true;
    });
    await sleep(20);
    expect(fourthStarted).toBe(false);
    now = 1_020; // the window (with its 2% margin) has passed for the first request
    await fourth;
    expect(fourthStarted).toBe(true);
  });

  it('never lets more than the limit start within any window', async () => {
    const starts: number[] = [];
    const limiter = new RateLimiter(5, 200);
    await Promise.all(
      Array.from({ length: 12 }, () =>
        limiter.acquire().then(() => starts.push(performance.now())),
      ),
    );
    for (let index = 5; index < starts.length; index++) {
      expect(starts[index]! - starts[index - 5]!).toBeGreaterThanOrEqual(200);
    }
  });

  it('leaves the queue at once when the waiter aborts', async () => {
    const limiter = new RateLimiter(1, 60_000);
    await limiter.acquire();
    const controller = new AbortController();
    const waiting = limiter.acquire(controller.signal);
    controller.abort(new Error('stop'));
    await expect(waiting).rejects.toThrow('stop');
  });

  it('rejects a nonsensical limit', () => {
    expect(() => new RateLimiter(0)).toThrow(/positive whole number/);
  });
});

describe('parseRetryAfter', () => {
  it('reads delay seconds and HTTP dates', () => {
    expect(parseRetryAfter('1')).toBe(1000);
    expect(parseRetryAfter('2.5')).toBe(2500);
    expect(
      parseRetryAfter('Thu, 01 Jan 2026 00:00:10 GMT', Date.parse('2026-01-01T00:00:00Z')),
    ).toBe(10_000);
    expect(
      parseRetryAfter('Thu, 01 Jan 2026 00:00:10 GMT', Date.parse('2026-01-02T00:00:00Z')),
    ).toBe(0);
  });
  it('ignores absent or unreadable values', () => {
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter('')).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter('-1')).toBeUndefined();
  });
});
