import { describeProviderConformance } from '../conformance/describe-provider-conformance.js';
import { createMemoryProvider } from './memory-provider.js';
import { SAMPLE_RAW_STATUSES, sampleOrders } from './sample-orders.js';

const API_KEY = 'test-memory-key-not-secret';

// The reference provider with every capability: every promise of the port is tested, nothing is
// skipped except what has no meaning without HTTP (retries).
describeProviderConformance({
  name: 'memory (every capability)',
  documentedStatuses: SAMPLE_RAW_STATUSES,
  async setup() {
    const orders = sampleOrders({ count: 150, seed: 7 });
    const provider = createMemoryProvider(orders, { apiKey: API_KEY, expectedApiKey: API_KEY });
    return {
      provider,
      orders: provider.snapshot(),
      secret: API_KEY,
      createUnauthenticatedProvider: () =>
        createMemoryProvider(orders, { apiKey: 'test-wrong-key', expectedApiKey: API_KEY }),
      faults: provider.faults,
      retriesTransientErrors: false,
      setRawStatus: async (orderId, rawStatus) => provider.setRawStatus(orderId, rawStatus),
    };
  },
});

// A modest provider: page numbers, one status value per request, two sorts, few filters. The
// skipped tests say why; the emulated-filter tests prove core finishes what it cannot do.
describeProviderConformance({
  name: 'memory (page numbers, few capabilities)',
  documentedStatuses: SAMPLE_RAW_STATUSES,
  async setup() {
    const provider = createMemoryProvider(sampleOrders({ count: 90, seed: 11 }), {
      id: 'memory-paged',
      capabilities: {
        filters: ['status', 'customerId', 'createdTo'],
        statusFilterValues: 'one',
        sorts: ['createdAt', 'id'],
        defaultPageSize: 10,
        maxPageSize: 25,
        pageNumbers: true,
        totalCount: false,
      },
    });
    return {
      provider,
      orders: provider.snapshot(),
      faults: provider.faults,
      retriesTransientErrors: false,
      setRawStatus: async (orderId, rawStatus) => provider.setRawStatus(orderId, rawStatus),
    };
  },
});
