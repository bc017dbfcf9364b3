import { createTokenBuckets, type RateLimitDecision } from './token-buckets.js';

export type { RateLimitDecision } from './token-buckets.js';

/**
 * Per-key request budgets of `requestsPerMinute` each. Asynchronous, so that the budgets can live
 * in a store every replica of the service shares (PostgreSQL or Redis); the in-memory limiter
 * answers at once.
 */
export interface KeyRateLimiter {
  /** Takes one request from the key's budget of `requestsPerMinute`. Never rejects. */
  take(key: string, requestsPerMinute: number): Promise<RateLimitDecision>;
  /**
   * Takes `count` more requests from the key's budget after the fact (the upstream page requests
   * one call made beyond its first), so that the key's next requests wait for them. Optional for
   * custom limiters; never rejects.
   */
  charge?(key: string, requestsPerMinute: number, count: number): Promise<void>;
  /** Releases what the limiter holds (connections, timers). Optional. */
  close?(): Promise<void>;
}

/**
 * In-memory token buckets, one per API key: a bucket holds up to `requestsPerMinute` tokens (the
 * burst) and refills continuously at `requestsPerMinute / 60` per second. A charge may take the
 * bucket below zero, down to minus one minute's worth.
 *
 * The buckets live in this process: with several replicas behind a load balancer each enforces
 * the limit on its own share of the traffic. To enforce one limit across replicas, use the shared
 * limiters (`createPostgresRateLimiter`, `createRedisRateLimiter`), which the service picks by
 * itself when it has a PostgreSQL store or `REDIS_URL`.
 */
export function createKeyRateLimiter(
  options: { now?: (() => number) | undefined } = {},
): Required<Omit<KeyRateLimiter, 'close'>> {
  const buckets = createTokenBuckets(options);
  return {
    take: async (key, requestsPerMinute) => buckets.take(key, requestsPerMinute),
    charge: async (key, requestsPerMinute, count) => buckets.charge(key, requestsPerMinute, count),
  };
}
