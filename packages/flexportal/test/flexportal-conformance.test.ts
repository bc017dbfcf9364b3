// The provider conformance suite of @orderbridge/testkit, run against the FlexPortal simulator.
// Ground truth: the sandbox store's wire orders, mapped with the adapter's own mapper.

import { type FaultSettings, startSandbox } from '@orderbridge/sandbox';
import { describeProviderConformance } from '@orderbridge/testkit';
import { groundTruth, sandboxProvider } from './sandbox-support.js';

describeProviderConformance({
  name: 'flexportal (sandbox)',
  // Straight from the docs: FP-LIST "Filtering Orders" and the OpenAPI `status` enum.
  documentedStatuses: ['pending', 'confirmed', 'partial', 'fulfilled', 'cancelled'],
  async setup() {
    const sandbox = await startSandbox({ seed: 21, orders: { flexportal: 240, flexfactor: 0 } });
    // `faults.set` replaces every setting, so the switches are merged here.
    let faults: FaultSettings = {};
    const apply = (change: FaultSettings) => {
      faults = { ...faults, ...change };
      sandbox.faults.set('flexportal', faults);
    };
    return {
      provider: sandboxProvider(sandbox),
      orders: groundTruth(sandbox),
      secret: sandbox.flexportal.apiKey,
      createUnauthenticatedProvider: () =>
        sandboxProvider(sandbox, { apiKey: 'fp_test_conformance_wrong_key' }),
      faults: {
        async failNext(count, status, options) {
          apply({
            failNext: {
              count,
              status,
              ...(options?.retryAfterSeconds !== undefined
                ? { retryAfter: String(options.retryAfterSeconds) }
                : {}),
            },
          });
        },
        async malformedNext(count) {
          apply({ malformedNext: count });
        },
        async latency(ms) {
          apply({ latencyMs: ms });
        },
        async clear() {
          faults = {};
          sandbox.faults.clear('flexportal');
        },
      },
      async setRawStatus(orderId, rawStatus) {
        sandbox.flexportal.store.update(orderId, { status: String(rawStatus) });
      },
      missingOrderId: 'ord_conformance_missing',
      teardown: () => sandbox.close(),
    };
  },
});
