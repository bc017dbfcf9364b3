import { RateLimiterRedis } from 'rate-limiter-flexible';
import type { KeyRateLimiter } from './key-rate-limiter.js';
import {
  createStoreRateLimiter,
  RATE_LIMIT_KEY_PREFIX,
  RATE_LIMIT_WINDOW_SECONDS,
  type StoreRateLimiterOptions,
} from './store-rate-limiter.js';

/**
 * The part of an ioredis client the limiter uses: rate-limiter-flexible defines a Lua command on
 * it and, with `rejectIfRedisNotReady`, reads `status` so that a disconnected client is refused at
 * once instead of queueing the command.
 */
export interface RedisRateLimitClient {
  /** ioredis connection status; `ready` when commands can be sent. */
  readonly status: string;
  defineCommand(name: string, definition: { numberOfKeys: number; lua: string }): void;
  multi(): unknown;
}

/** Options of {@link createRedisRateLimiter}. */
export interface RedisRateLimiterOptions
  extends Omit<StoreRateLimiterOptions, 'store' | 'createLimiter'> {
  /** An ioredis client (the caller owns it; pass `close` to quit it with the limiter). */
  client: RedisRateLimitClient;
}

/**
 * Per-key budgets shared through Redis with rate-limiter-flexible's `RateLimiterRedis`: one key
 * per budget and window with a 60-s expiry, one atomic Lua script per decision. While the client
 * is not connected, decisions go to the fallback at once. See `createStoreRateLimiter` for the
 * window, charges and the fallback.
 */
export function createRedisRateLimiter(options: RedisRateLimiterOptions): KeyRateLimiter {
  return createStoreRateLimiter({
    ...options,
    store: 'redis',
    createLimiter: (points) =>
      new RateLimiterRedis({
        storeClient: options.client,
        rejectIfRedisNotReady: true,
        keyPrefix: RATE_LIMIT_KEY_PREFIX,
        points,
        duration: RATE_LIMIT_WINDOW_SECONDS,
      }),
  });
}
