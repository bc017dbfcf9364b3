import { findStatusEntry } from '@orderbridge/core';
import type { FaultSettings, Sandbox } from '@orderbridge/sandbox';
import { describeProviderConformance } from '@orderbridge/testkit';
import { flexFactorStatusMap } from '../src/flexfactor-status-map.js';
import { groundTruth, sandboxProvider, startFlexFactorSandbox } from './sandbox-support.js';

// The provider conformance suite against the sandbox's FlexFactor simulator. Ground truth: the
// simulator's store rows, mapped with the adapter's own mapper.
describeProviderConformance({
  name: 'flexfactor (sandbox)',
  // FF-LIST's `orderStatuses` / docs/providers/flexfactor.md §2.7
  documentedStatuses: [0, 1, 2, 3, 4, 5, 6, 7],
  async setup() {
    const sandbox: Sandbox = await startFlexFactorSandbox(240);
    const store = sandbox.flexfactor.store;
    const setFaults = (change: FaultSettings) => {
      sandbox.faults.set('flexfactor', { ...sandbox.faults.current().flexfactor, ...change });
    };
    return {
      provider: sandboxProvider(sandbox),
      orders: groundTruth(sandbox),
      secret: sandbox.flexfactor.appSecret,
      createUnauthenticatedProvider: () =>
        sandboxProvider(sandbox, { appSecret: 'wrong-fake-app-secret' }),
      faults: {
        failNext: async (count, status, options) =>
          setFaults({
            failNext: {
              count,
              status,
              ...(options?.retryAfterSeconds !== undefined
                ? { retryAfter: String(options.retryAfterSeconds) }
                : {}),
            },
          }),
        malformedNext: async (count) => setFaults({ malformedNext: count }),
        latency: async (ms) => setFaults({ latencyMs: ms }),
        clear: async () => sandbox.faults.clear('flexfactor'),
      },
      // The list sends lower-case names (FF-LIST's response example); an undocumented code gets a name of its own.
      setRawStatus: async (orderId, rawStatus) => {
        const entry = findStatusEntry(flexFactorStatusMap, rawStatus);
        store.update(orderId, {
          status: rawStatus,
          statusName: entry ? entry.label.toLowerCase() : `status${rawStatus}`,
        });
      },
      teardown: () => sandbox.close(),
    };
  },
});
