/** The outcome of taking one request from a key's budget. */
export type RateLimitDecision =
  | { isAllowed: true; remaining: number }
  | { isAllowed: false; retryAfterSeconds: number };

/** Synchronous, in-process token buckets, one per key. */
export interface TokenBuckets {
  /** Takes one request from the key's budget of `requestsPerMinute`. */
  take(key: string, requestsPerMinute: number): RateLimitDecision;
  /**
   * Takes `count` more requests from the key's budget after the fact: the budget may go below
   * zero, down to minus one minute's worth, and the key's next requests wait until it has refilled.
   */
  charge(key: string, requestsPerMinute: number, count: number): void;
}

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/**
 * In-memory token buckets: a bucket holds up to `requestsPerMinute` tokens (the burst) and
 * refills continuously at `requestsPerMinute / 60` per second. The state lives in this process
 * only; {@link createKeyRateLimiter} wraps it as a `KeyRateLimiter`, and the address throttle uses
 * it directly (it must answer before any I/O).
 */
export function createTokenBuckets(
  options: { now?: (() => number) | undefined } = {},
): TokenBuckets {
  const now = options.now ?? Date.now;
  const buckets = new Map<string, Bucket>();
  return {
    take(key, requestsPerMinute) {
      const time = now();
      const perMs = requestsPerMinute / 60_000;
      const bucket = buckets.get(key) ?? { tokens: requestsPerMinute, updatedAt: time };
      bucket.tokens = Math.min(
        requestsPerMinute,
        bucket.tokens + Math.max(0, time - bucket.updatedAt) * perMs,
      );
      bucket.updatedAt = time;
      buckets.set(key, bucket);
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return { isAllowed: true, remaining: Math.floor(bucket.tokens) };
      }
      const waitMs = (1 - bucket.tokens) / perMs;
      return { isAllowed: false, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
    },
    charge(key, requestsPerMinute, count) {
      if (!(count > 0)) return;
      const bucket = buckets.get(key);
      if (!bucket) return;
      bucket.tokens = Math.max(-requestsPerMinute, bucket.tokens - count);
    },
  };
}
