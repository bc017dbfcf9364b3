import { ProviderUnavailableError } from '@orderbridge/core';
import { describe, expect, it } from 'vitest';
import { createTestProvider } from '../test-support/test-provider.js';
import { createReadinessMonitor } from './readiness.js';

describe('createReadinessMonitor', () => {
  it('is pending, then ready when every provider answers, then not ready after stop', async () => {
    const monitor = createReadinessMonitor([
      { id: 'a', providers: [createTestProvider('alpha', []), createTestProvider('beta', [])] },
    ]);
    expect(monitor.report()).toMatchObject({
      isReady: false,
      checks: [{ status: 'pending' }, { status: 'pending' }],
    });
    await monitor.checkNow();
    expect(monitor.report().isReady).toBe(true);
    monitor.stop();
    expect(monitor.report().isReady).toBe(false);
  });

  it('reports the failing provider by kind (its message, with upstream URLs, only to onCheck), and a hung one after the timeout', async () => {
    let isFailing = true;
    const failing = createTestProvider('beta', [], {
      beforeCall: () => {
        if (isFailing) {
          throw new ProviderUnavailableError({
            provider: 'beta',
            status: 503,
            message: 'beta GET https://api.beta.invalid/v1/orders?limit=1 is down',
          });
        }
      },
    });
    const hung = createTestProvider('gamma', [], { latencyMs: 5_000 });
    const logged: unknown[] = [];
    const monitor = createReadinessMonitor([{ id: 't', providers: [failing, hung] }], {
      timeoutMs: 50,
      onCheck: (_check, error) => logged.push(error),
    });
    await monitor.checkNow();
    const report = monitor.report();
    expect(report.isReady).toBe(false);
    expect(report.checks).toEqual([
      expect.objectContaining({
        provider: 'beta',
        status: 'failed',
        error: expect.stringMatching(/^Provider "beta" is unavailable.*\(HTTP 503\)/),
      }),
      expect.objectContaining({
        provider: 'gamma',
        status: 'failed',
        error: 'no answer within 50 ms',
      }),
    ]);
    expect(JSON.stringify(report)).not.toContain('api.beta.invalid');
    expect(String(logged.find((error) => error instanceof Error))).toContain('api.beta.invalid');
    isFailing = false;
    await monitor.checkNow();
    expect(monitor.report().checks[0]).toMatchObject({ status: 'ok' });
    expect(monitor.report().checks[0]!.error).toBeUndefined();
  });

  it('lets go of a finished check: its signal is never aborted by the timeout afterwards', async () => {
    const signals: AbortSignal[] = [];
    const provider = {
      ...createTestProvider('alpha', []),
      checkConnection: async (options?: { signal?: AbortSignal }) => {
        if (options?.signal) signals.push(options.signal);
      },
    };
    const monitor = createReadinessMonitor([{ id: 't', providers: [provider] }], {
      timeoutMs: 20,
    });
    await monitor.checkNow();
    expect(monitor.report().isReady).toBe(true);
    expect(signals).toHaveLength(1);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(signals[0]!.aborted).toBe(false);
  });
});
