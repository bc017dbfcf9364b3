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

  it('reports the failing provider with its message, and a hung one after the timeout', async () => {
    let isFailing = true;
    const failing = createTestProvider('beta', [], {
      beforeCall: () => {
        if (isFailing) {
          throw new ProviderUnavailableError({
            provider: 'beta',
            status: 503,
            message: 'beta is down',
          });
        }
      },
    });
    const hung = createTestProvider('gamma', [], { latencyMs: 5_000 });
    const monitor = createReadinessMonitor([{ id: 't', providers: [failing, hung] }], {
      timeoutMs: 50,
    });
    await monitor.checkNow();
    const report = monitor.report();
    expect(report.isReady).toBe(false);
    expect(report.checks).toEqual([
      expect.objectContaining({ provider: 'beta', status: 'failed', error: 'beta is down' }),
      expect.objectContaining({
        provider: 'gamma',
        status: 'failed',
        error: 'no answer within 50 ms',
      }),
    ]);
    isFailing = false;
    await monitor.checkNow();
    expect(monitor.report().checks[0]).toMatchObject({ status: 'ok' });
    expect(monitor.report().checks[0]!.error).toBeUndefined();
  });
});
