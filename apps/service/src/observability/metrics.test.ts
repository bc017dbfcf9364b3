import { AuthenticationError, TimeoutError } from '@orderbridge/core';
import { describe, expect, it } from 'vitest';
import { createServiceMetrics, errorKind } from './metrics.js';

describe('createServiceMetrics', () => {
  it('counts upstream responses, retries and errors from the transport hooks', async () => {
    const metrics = createServiceMetrics({ defaultMetrics: false });
    const base = { provider: 'flexfactor', method: 'GET', url: 'http://127.0.0.1/x' };
    metrics.transportHooks.onResponse?.({
      ...base,
      attempt: 1,
      status: 503,
      durationMs: 3,
      requestId: undefined,
    });
    metrics.transportHooks.onRetry?.({ ...base, attempt: 2, reason: 'HTTP 503' });
    metrics.transportHooks.onResponse?.({
      ...base,
      attempt: 2,
      status: 200,
      durationMs: 2,
      requestId: 'r',
    });
    metrics.transportHooks.onError?.({
      ...base,
      error: new TimeoutError({
        provider: 'flexfactor',
        message: 't',
        timeoutMs: 1,
        scope: 'attempt',
      }),
    });
    const text = await metrics.render();
    expect(text).toContain(
      'orderbridge_upstream_requests_total{provider="flexfactor",status="503"} 1',
    );
    expect(text).toContain(
      'orderbridge_upstream_requests_total{provider="flexfactor",status="200"} 1',
    );
    expect(text).toContain('orderbridge_upstream_retries_total{provider="flexfactor"} 1');
    expect(text).toContain(
      'orderbridge_upstream_errors_total{provider="flexfactor",kind="timeout"} 1',
    );
  });

  it('counts webhook attempts by outcome and error class, and disabled endpoints', async () => {
    const metrics = createServiceMetrics({ defaultMetrics: false });
    metrics.observeWebhookAttempt({ outcome: 'delivered', errorClass: null }, 0.02);
    metrics.observeWebhookAttempt({ outcome: 'retrying', errorClass: 'timeout' }, 10);
    metrics.observeWebhookAttempt({ outcome: 'retrying', errorClass: 'timeout' }, 10);
    metrics.observeWebhookEndpointDisabled();
    const text = await metrics.render();
    expect(text).toContain(
      'orderbridge_webhook_attempts_total{outcome="delivered",error_class="none"} 1',
    );
    expect(text).toContain(
      'orderbridge_webhook_attempts_total{outcome="retrying",error_class="timeout"} 2',
    );
    expect(text).toContain('orderbridge_webhook_attempt_duration_seconds_count 3');
    expect(text).toContain('orderbridge_webhook_endpoints_disabled_total 1');
  });

  it('includes the process metrics by default', async () => {
    expect(await createServiceMetrics().render()).toContain('process_cpu_user_seconds_total');
  });
});

describe('errorKind', () => {
  it('uses the provider error kind, else the error code', () => {
    expect(errorKind(new AuthenticationError({ provider: 'p', message: 'm', status: 401 }))).toBe(
      'authentication',
    );
    expect(errorKind(new Error('x'))).toBe('unknown');
  });
});
