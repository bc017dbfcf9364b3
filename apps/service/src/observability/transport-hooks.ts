import type { TransportHooks } from '@orderbridge/core';
import type { ServiceLogger } from './logger.js';
import type { ServiceMetrics } from './metrics.js';

/**
 * The providers' transport hooks: metrics always, and the upstream debug lines only when the
 * logger writes debug lines. A hook the transport is not given costs nothing per request; one
 * that calls a disabled `logger.debug` still had the transport redact the URL and headers for it.
 */
export function transportHooks(metrics: ServiceMetrics, logger: ServiceLogger): TransportHooks {
  if (!logger.isLevelEnabled('debug')) return metrics.transportHooks;
  const counted = metrics.transportHooks;
  return {
    onRequest(event) {
      counted.onRequest?.(event);
      logger.debug(
        { provider: event.provider, method: event.method, url: event.url, attempt: event.attempt },
        'upstream request',
      );
    },
    onResponse(event) {
      counted.onResponse?.(event);
      logger.debug(
        {
          provider: event.provider,
          method: event.method,
          url: event.url,
          status: event.status,
          durationMs: event.durationMs,
          upstreamRequestId: event.requestId,
        },
        'upstream response',
      );
    },
    onRetry(event) {
      counted.onRetry?.(event);
      logger.debug(
        { provider: event.provider, url: event.url, attempt: event.attempt, reason: event.reason },
        'upstream retry',
      );
    },
    onError(event) {
      counted.onError?.(event);
      logger.debug(
        { provider: event.provider, url: event.url, error: event.error.message },
        'upstream error',
      );
    },
  };
}
