import { OrderBridgeError, ProviderApiError, type TransportHooks } from '@orderbridge/core';
import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';

/** The service's Prometheus metrics, in their own registry. */
export interface ServiceMetrics {
  /** The registry `/metrics` renders. */
  readonly registry: Registry;
  /** Transport hooks that count upstream requests, retries and errors by provider. */
  readonly transportHooks: TransportHooks;
  /** Records one finished HTTP request; `route` is the route template, never the raw path. */
  observeRequest(labels: { route: string; method: string; status: number }, seconds: number): void;
  /**
   * Counts one rate-limit decision or charge that the shared store (`postgres`, `redis`) failed
   * to make, so that this process's own limits made it instead.
   */
  countRateLimitStoreFailure(labels: { store: string; operation: string }): void;
  /**
   * Records one outgoing-webhook attempt: `outcome` is `delivered`, `retrying` or `failed` (retries
   * over); `errorClass` the attempt log's class, or `none`.
   */
  observeWebhookAttempt(
    labels: { outcome: string; errorClass: string | null },
    seconds: number,
  ): void;
  /** Records that the deliverer disabled an endpoint after it kept failing. */
  observeWebhookEndpointDisabled(): void;
  /** The Prometheus text exposition of every metric. */
  render(): Promise<string>;
}

/**
 * How often the event-loop lag metrics (`nodejs_eventloop_lag_*`) sample, in ms. prom-client's
 * default of 10 ms woke the process 100 times a second: 5 ms of CPU per second on an idle service
 * (1 ms at 100 ms), and a timer competing with requests for the loop. A stall still shows: any
 * block of the loop longer than the interval delays a sample.
 */
const EVENT_LOOP_SAMPLING_MS = 100;

/** Creates the metrics, including Node's default process metrics, in a fresh registry. */
export function createServiceMetrics(options: { defaultMetrics?: boolean } = {}): ServiceMetrics {
  const registry = new Registry();
  if (options.defaultMetrics ?? true) {
    collectDefaultMetrics({
      register: registry,
      eventLoopMonitoringPrecision: EVENT_LOOP_SAMPLING_MS,
    });
  }
  const requests = new Counter({
    name: 'orderbridge_http_requests_total',
    help: 'HTTP requests served, by route template, method and status code.',
    labelNames: ['route', 'method', 'status'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'orderbridge_http_request_duration_seconds',
    help: 'Time to serve an HTTP request, by route template and method.',
    labelNames: ['route', 'method'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const upstreamRequests = new Counter({
    name: 'orderbridge_upstream_requests_total',
    help: 'Requests sent to providers that got a response, by provider id and response status.',
    labelNames: ['provider', 'status'] as const,
    registers: [registry],
  });
  const upstreamRetries = new Counter({
    name: 'orderbridge_upstream_retries_total',
    help: 'Retries of provider requests, by provider id.',
    labelNames: ['provider'] as const,
    registers: [registry],
  });
  const upstreamErrors = new Counter({
    name: 'orderbridge_upstream_errors_total',
    help: 'Provider calls that failed for good, by provider id and error kind.',
    labelNames: ['provider', 'kind'] as const,
    registers: [registry],
  });
  const rateLimitStoreFailures = new Counter({
    name: 'orderbridge_rate_limit_store_failures_total',
    help: 'Rate-limit decisions and charges the shared store (postgres, redis) failed to make or did not make in time, so that the process decided alone (fail open), by store and operation.',
    labelNames: ['store', 'operation'] as const,
    registers: [registry],
  });
  const webhookAttempts = new Counter({
    name: 'orderbridge_webhook_attempts_total',
    help: 'Outgoing webhook delivery attempts, by outcome (delivered, retrying, failed) and error class.',
    labelNames: ['outcome', 'error_class'] as const,
    registers: [registry],
  });
  const webhookDuration = new Histogram({
    name: 'orderbridge_webhook_attempt_duration_seconds',
    help: 'Time from sending an outgoing webhook to the receiver’s answer (or the failure).',
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const webhookDisabled = new Counter({
    name: 'orderbridge_webhook_endpoints_disabled_total',
    help: 'Webhook endpoints disabled by the deliverer after failing for the whole retry window.',
    registers: [registry],
  });
  return {
    registry,
    observeWebhookAttempt(labels, seconds) {
      webhookAttempts.inc({ outcome: labels.outcome, error_class: labels.errorClass ?? 'none' });
      webhookDuration.observe(seconds);
    },
    observeWebhookEndpointDisabled() {
      webhookDisabled.inc();
    },
    transportHooks: {
      onResponse(event) {
        upstreamRequests.inc({ provider: event.provider, status: String(event.status) });
      },
      onRetry(event) {
        upstreamRetries.inc({ provider: event.provider });
      },
      onError(event) {
        upstreamErrors.inc({ provider: event.provider, kind: errorKind(event.error) });
      },
    },
    observeRequest(labels, seconds) {
      requests.inc({ route: labels.route, method: labels.method, status: String(labels.status) });
      duration.observe({ route: labels.route, method: labels.method }, seconds);
    },
    countRateLimitStoreFailure(labels) {
      rateLimitStoreFailures.inc(labels);
    },
    render: () => registry.metrics(),
  };
}

/** A low-cardinality label for an error: the provider's error kind, or the error's code. */
export function errorKind(error: unknown): string {
  if (ProviderApiError.isInstance(error)) return error.kind;
  if (OrderBridgeError.isInstance(error)) return error.code;
  return 'unknown';
}
