import { createTokenBuckets, type TokenBuckets } from '../rate-limit/token-buckets.js';

/** Requests without a valid key one client address may make per minute, by default. */
export const DEFAULT_UNAUTHENTICATED_REQUESTS_PER_MINUTE = 60;

/**
 * Throttles key guessing per client address: every request that presents no valid API key spends
 * one unit of the address's budget; once it is spent the address is blocked until the budget has
 * refilled, and a blocked address's keys are not even looked at.
 *
 * Its buckets live in the process on purpose, also with several replicas: it is a guard against
 * floods of bad keys that must answer before any I/O (a database round trip per guess would make
 * the flood a database load), not a quota. Behind a load balancer an address may make this many
 * requests per replica.
 */
export interface AddressThrottle {
  /** Seconds the address must still wait, or undefined when it is not blocked. */
  blockedFor(address: string): number | undefined;
  /** Counts a request without a valid key; returns the seconds to wait when that blocked it. */
  fail(address: string): number | undefined;
}

/** Creates the throttle over token buckets (default: in-memory, one per address). */
export function createAddressThrottle(
  options: {
    requestsPerMinute?: number | undefined;
    buckets?: TokenBuckets | undefined;
    now?: (() => number) | undefined;
  } = {},
): AddressThrottle {
  const budget = options.requestsPerMinute ?? DEFAULT_UNAUTHENTICATED_REQUESTS_PER_MINUTE;
  const buckets = options.buckets ?? createTokenBuckets({ now: options.now });
  const now = options.now ?? Date.now;
  const blockedUntil = new Map<string, number>();
  return {
    blockedFor(address) {
      const until = blockedUntil.get(address);
      if (until === undefined) return undefined;
      if (until <= now()) {
        blockedUntil.delete(address);
        return undefined;
      }
      return Math.max(1, Math.ceil((until - now()) / 1000));
    },
    fail(address) {
      const decision = buckets.take(address, budget);
      if (decision.isAllowed) return undefined;
      blockedUntil.set(address, now() + decision.retryAfterSeconds * 1000);
      return decision.retryAfterSeconds;
    },
  };
}
