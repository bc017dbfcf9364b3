import { ConfigurationError } from '@orderbridge/core';
import type { ServiceEnvironment } from './service-environment.js';

/** How the service runs outgoing webhooks (see docs/webhooks.md). */
export interface WebhookSettings {
  /** Run the deliverer when an order store is configured (`ORDERBRIDGE_WEBHOOK_DELIVERY`, default true). */
  deliver: boolean;
  /** Accept and deliver to http / loopback URLs: development and tests only (default false). */
  allowHttpLoopback: boolean;
  /** Time a receiver has to answer, in ms (default 10000). */
  timeoutMs?: number | undefined;
  /** How long a claimed delivery is held before another deliverer may take it, in ms (default 60000). */
  leaseMs?: number | undefined;
  /** Wait between polls of the outbox when nothing is due, in ms (default 1000). */
  pollIntervalMs?: number | undefined;
  /** Retry schedule overrides (defaults: 5 s initial, 1 h cap, 24 h window). */
  retrySchedule?:
    | { initialDelayMs?: number; maxDelayMs?: number; retryWindowMs?: number }
    | undefined;
}

/**
 * The webhook settings of a validated environment.
 * @throws ConfigurationError when the lease does not exceed the delivery timeout (a lease that
 * ends while its attempt still runs would let a second deliverer send the same delivery).
 */
export function webhookSettingsOf(environment: ServiceEnvironment): WebhookSettings {
  const timeoutMs = environment.ORDERBRIDGE_WEBHOOK_TIMEOUT_MS ?? 10_000;
  const leaseMs = environment.ORDERBRIDGE_WEBHOOK_LEASE_MS ?? 60_000;
  if (leaseMs <= timeoutMs) {
    throw new ConfigurationError({
      setting: 'environment',
      message: `ORDERBRIDGE_WEBHOOK_LEASE_MS (${leaseMs}) must exceed ORDERBRIDGE_WEBHOOK_TIMEOUT_MS (${timeoutMs})`,
    });
  }
  const schedule = {
    ...(environment.ORDERBRIDGE_WEBHOOK_RETRY_INITIAL_DELAY_MS !== undefined
      ? { initialDelayMs: environment.ORDERBRIDGE_WEBHOOK_RETRY_INITIAL_DELAY_MS }
      : {}),
    ...(environment.ORDERBRIDGE_WEBHOOK_RETRY_MAX_DELAY_MS !== undefined
      ? { maxDelayMs: environment.ORDERBRIDGE_WEBHOOK_RETRY_MAX_DELAY_MS }
      : {}),
    ...(environment.ORDERBRIDGE_WEBHOOK_RETRY_WINDOW_MS !== undefined
      ? { retryWindowMs: environment.ORDERBRIDGE_WEBHOOK_RETRY_WINDOW_MS }
      : {}),
  };
  return {
    deliver: environment.ORDERBRIDGE_WEBHOOK_DELIVERY ?? true,
    allowHttpLoopback: environment.ORDERBRIDGE_WEBHOOK_ALLOW_HTTP_LOOPBACK ?? false,
    timeoutMs: environment.ORDERBRIDGE_WEBHOOK_TIMEOUT_MS,
    leaseMs: environment.ORDERBRIDGE_WEBHOOK_LEASE_MS,
    pollIntervalMs: environment.ORDERBRIDGE_WEBHOOK_POLL_INTERVAL_MS,
    retrySchedule: schedule,
  };
}
