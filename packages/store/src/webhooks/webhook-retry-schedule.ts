/** When failed deliveries are tried again. */
export interface WebhookRetrySchedule {
  /** Cap of the first retry's delay, in ms (default 5 s). */
  initialDelayMs: number;
  /** Largest delay between two attempts, in ms (default 1 h). */
  maxDelayMs: number;
  /** How long after its change a delivery is tried at all, in ms (default 24 h); then it fails. */
  retryWindowMs: number;
}

/** The default schedule: up to 24 h of retries, at most an hour apart. */
export const DEFAULT_RETRY_SCHEDULE: WebhookRetrySchedule = {
  initialDelayMs: 5_000,
  maxDelayMs: 3_600_000,
  retryWindowMs: 86_400_000,
};

/**
 * The delay before the retry after `failedAttempts` failures: exponential backoff with full
 * jitter (a uniformly random delay between 0 and min(max, initial × 2^(n−1))), so receivers that
 * come back are not hit by every sender's retries at the same instant.
 */
export function retryDelayMs(
  failedAttempts: number,
  schedule: WebhookRetrySchedule,
  random: () => number = Math.random,
): number {
  const exponent = Math.min(Math.max(failedAttempts - 1, 0), 40);
  const ceiling = Math.min(schedule.maxDelayMs, schedule.initialDelayMs * 2 ** exponent);
  return Math.floor(random() * ceiling);
}
