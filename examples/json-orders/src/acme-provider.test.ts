import { ConfigurationError, collect, paginate } from '@orderbridge/core';
import { describeProviderConformance } from '@orderbridge/testkit';
import { describe, expect, it } from 'vitest';
import { acmeOrderSchema } from './acme-api.js';
import { ACME_DOCUMENTED_STATES, mapAcmeOrder } from './acme-mapper.js';
import { type AcmeOrdersSettings, createAcmeOrders } from './acme-provider.js';
import { generateAcmeOrders, startAcmeSimulator } from './acme-simulator.js';

// Fast retries for tests: the transport's policy is the same, only the waits are tiny.
const fastTransport: AcmeOrdersSettings = {
  retry: { maxRetries: 2, baseDelayMs: 1, maxDelayMs: 5 },
  timeoutMs: 10_000,
};

describeProviderConformance({
  name: 'acme (example provider against its simulator)',
  documentedStatuses: ACME_DOCUMENTED_STATES,
  async setup() {
    const simulator = await startAcmeSimulator({ count: 150, seed: 42 });
    const settings = { ...fastTransport, baseUrl: simulator.url };
    return {
      provider: createAcmeOrders({ ...settings, apiKey: simulator.apiKey }),
      // Ground truth: the simulator's dataset through the mapper. The suite then checks everything
      // but the mapping itself (paging, filters, sorts, errors); acme-mapper.test.ts checks that.
      orders: simulator
        .records()
        .map((record) => mapAcmeOrder(acmeOrderSchema.parse(record), { provider: 'acme' }).order),
      secret: simulator.apiKey,
      createUnauthenticatedProvider: () =>
        createAcmeOrders({ ...settings, apiKey: 'acme-wrong-key-0002' }),
      faults: simulator.faults,
      setRawStatus: async (orderId, rawStatus) => simulator.setState(orderId, String(rawStatus)),
      teardown: () => simulator.close(),
    };
  },
});

describe('createAcmeOrders', () => {
  it('fails at the first call without an API key, naming the setting and the variable', async () => {
    const saved = process.env.ACME_API_KEY;
    delete process.env.ACME_API_KEY;
    try {
      const provider = createAcmeOrders({ baseUrl: 'http://127.0.0.1:9/v1/' });
      const error = await provider.listOrders({}).catch((failure: unknown) => failure);
      expect(ConfigurationError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ setting: 'apiKey', environmentVariable: 'ACME_API_KEY' });
    } finally {
      if (saved !== undefined) process.env.ACME_API_KEY = saved;
    }
  });

  it('sends the state filter as raw states and stops early on a sorted date bound', async () => {
    const simulator = await startAcmeSimulator({ count: 60, seed: 3 });
    try {
      const provider = createAcmeOrders({
        ...fastTransport,
        baseUrl: simulator.url,
        apiKey: simulator.apiKey,
      });
      const truth = simulator
        .records()
        .map((record) => mapAcmeOrder(acmeOrderSchema.parse(record), { provider: 'acme' }).order);
      const middle = [...truth].sort((left, right) =>
        left.createdAt.localeCompare(right.createdAt),
      )[30]!;
      const listing = paginate(provider, {
        status: ['processing'],
        createdFrom: middle.createdAt,
        limit: 5,
      });
      const found = await collect(listing, { max: 100 });
      const expected = truth.filter(
        (order) => order.status === 'processing' && order.createdAt >= middle.createdAt,
      );
      expect(found.map((order) => order.id).sort()).toEqual(
        expected.map((order) => order.id).sort(),
      );
      expect(listing.warnings).toContainEqual(
        expect.objectContaining({ code: 'early-stop', field: 'createdFrom' }),
      );
      // paid and partially_shipped are the two states that mean "processing".
      expect(simulator.requestCount).toBeLessThan(Math.ceil(60 / 5));
    } finally {
      await simulator.close();
    }
  });
});

describe('records off the schema', () => {
  const page = (orders: unknown[]) =>
    JSON.stringify({ orders, next_page_token: null, total_size: orders.length });
  const providerAnswering = (body: string) =>
    createAcmeOrders({
      apiKey: 'acme-test-key-0001',
      baseUrl: 'http://127.0.0.1:9/v1/',
      retry: false,
      fetch: async () => new Response(body, { headers: { 'content-type': 'application/json' } }),
    });

  it('reports a bad record with its path and delivers the rest; strict fails naming it', async () => {
    const [good, other] = generateAcmeOrders(2, 7);
    const bad = { ...other!, total: 'lots' };
    const provider = providerAnswering(page([good, bad]));
    const result = await provider.listOrders({
      limit: 10,
      sort: { field: 'createdAt', direction: 'asc' },
    });
    expect(result.orders.map((order) => order.id)).toEqual([good!.id]);
    expect(result.warnings).toContainEqual(
      expect.objectContaining({
        code: 'invalid-record',
        recordId: bad.id,
        issues: [expect.objectContaining({ path: 'orders[1].total' })],
      }),
    );
    await expect(
      provider.listOrders(
        { limit: 10, sort: { field: 'createdAt', direction: 'asc' } },
        { strict: true },
      ),
    ).rejects.toThrow(/orders\[1\]\.total/);
  });
});
