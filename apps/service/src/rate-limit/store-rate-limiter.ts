import { createHash } from 'node:crypto';
import { type RateLimiterAbstract, RateLimiterRes } from 'rate-limiter-flexible';
import { createKeyRateLimiter, type KeyRateLimiter } from './key-rate-limiter.js';

/** The window of every shared budget: `requestsPerMinute` points per 60 seconds. */
export const RATE_LIMIT_WINDOW_SECONDS = 60;

/** How long a decision waits for the shared store before the fallback decides, by default. */
export const DEFAULT_RATE_LIMIT_STORE_TIMEOUT_MS = 500;

/** Prefix of every key the shared limiters write (`orderbridge:<hash>`). */
export const RATE_LIMIT_KEY_PREFIX = 'orderbridge';

/** Which shared store a limiter uses, for logs and metrics. */
export type RateLimitStoreName = 'postgres' | 'redis';

/** What failed when the shared store could not decide. */
export interface RateLimitStoreFailure {
  store: RateLimitStoreName;
  operation: 'take' | 'charge';
  /** The store's error, or a timeout error after `timeoutMs`. */
  error: unknown;
}

/** Options of {@link createStoreRateLimiter}. */
export interface StoreRateLimiterOptions {
  /** The store's name, for `onStoreFailure`. */
  store: RateLimitStoreName;
  /**
   * Makes rate-limiter-flexible's limiter for one budget (`points` per
   * {@link RATE_LIMIT_WINDOW_SECONDS}); called once per distinct budget, then reused.
   */
  createLimiter(points: number): RateLimiterAbstract;
  /**
   * Decides while the store fails or is slower than `timeoutMs` (default: in-memory token buckets,
   * so each replica enforces the limit on its own share of the traffic during an outage).
   */
  fallback?: KeyRateLimiter | undefined;
  /** How long to wait for the store, in ms (default 500). */
  timeoutMs?: number | undefined;
  /** Called for every decision the fallback made because the store failed (log, metric). */
  onStoreFailure?: ((failure: RateLimitStoreFailure) => void) | undefined;
  /** Releases the store's client (called by `close`). */
  close?: (() => Promise<void>) | undefined;
}

/**
 * A `KeyRateLimiter` over one of rate-limiter-flexible's store limiters, shared by every replica
 * that uses the same store: each budget is a fixed window of 60 s that starts with the key's first
 * request, holding `requestsPerMinute` requests (the burst); a refused request learns the seconds
 * until the window ends (`Retry-After`). A charge adds points to the current window (the library's
 * `penalty`), so the key's next requests wait until that window ends.
 *
 * The store never decides alone: when it fails or does not answer within `timeoutMs`, the request
 * is decided by the fallback (fail open to per-process limits) and `onStoreFailure` is told, so an
 * outage of the shared store costs the precision of the limit, never the service's availability.
 *
 * Keys are stored as the SHA-256 of the budget key, so tenant and key ids never reach the store
 * and any key fits its column.
 */
export function createStoreRateLimiter(options: StoreRateLimiterOptions): KeyRateLimiter {
  const timeoutMs = options.timeoutMs ?? DEFAULT_RATE_LIMIT_STORE_TIMEOUT_MS;
  const fallback = options.fallback ?? createKeyRateLimiter();
  const limiters = new Map<number, RateLimiterAbstract>();
  const limiterFor = (points: number): RateLimiterAbstract => {
    let limiter = limiters.get(points);
    if (limiter === undefined) {
      limiter = options.createLimiter(points);
      limiters.set(points, limiter);
    }
    return limiter;
  };
  const failed = (operation: RateLimitStoreFailure['operation'], error: unknown): void =>
    options.onStoreFailure?.({ store: options.store, operation, error });

  return {
    async take(key, requestsPerMinute) {
      try {
        const result = await withTimeout(
          limiterFor(requestsPerMinute).consume(storeKey(key), 1),
          timeoutMs,
        );
        return { isAllowed: true, remaining: result.remainingPoints };
      } catch (error) {
        // The library rejects with its result when the budget is spent, with an Error otherwise.
        if (error instanceof RateLimiterRes) {
          return {
            isAllowed: false,
            retryAfterSeconds: Math.max(1, Math.ceil(error.msBeforeNext / 1000)),
          };
        }
        failed('take', error);
        return fallback.take(key, requestsPerMinute);
      }
    },
    async charge(key, requestsPerMinute, count) {
      if (!(count > 0)) return;
      try {
        await withTimeout(limiterFor(requestsPerMinute).penalty(storeKey(key), count), timeoutMs);
      } catch (error) {
        failed('charge', error);
        await fallback.charge?.(key, requestsPerMinute, count);
      }
    },
    async close() {
      await options.close?.();
    },
  };
}

/** The key as stored: base64url SHA-256 (43 characters, no NUL bytes, no ids in the store). */
function storeKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('base64url');
}

/** The store's answer, or a rejection after `timeoutMs` (the store's call is not cancelled). */
function withTimeout<T>(promise: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`the rate-limit store did not answer within ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
